# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The public filters: Redis URLs, env files and monthly costs. The roles' own logic is in plugin_utils."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError

from ansible_collections.funmagic.elasticache.plugins.module_utils import cost
from ansible_collections.funmagic.elasticache.plugins.module_utils import redis_url as urls


def _wrap(function):
    def wrapped(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except (ValueError, TypeError, KeyError) as e:
            raise AnsibleFilterError("%s: %s" % (function.__name__, e))
    wrapped.__name__ = function.__name__
    wrapped.__doc__ = function.__doc__
    return wrapped


def redis_url(endpoint, port=6379, tls=True, user=None, token=None, db=None, redact=False):
    """endpoint may be a host name or an {address, port} dict as the modules return it."""
    if isinstance(endpoint, dict):
        port = endpoint.get("port", port)
        endpoint = endpoint.get("address")
    return urls.redis_url(endpoint, port, tls, user, token, db, redact)


def elasticache_monthly_cost(node_type, nodes=1, region="us-east-1", engine="redis"):
    return cost.monthly_cost(node_type, nodes, region, engine)


class FilterModule(object):
    def filters(self):
        return {
            "redis_url": _wrap(redis_url),
            "redis_url_redact": _wrap(urls.redact_url),
            "redis_env": _wrap(urls.redis_env),
            "elasticache_monthly_cost": _wrap(elasticache_monthly_cost),
        }
