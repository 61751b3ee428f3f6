import socket

import pytest

from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_probe import ProbeError
from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_probe import ping
from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_probe import _command


def test_an_unresolvable_name_is_cause_dns_without_any_lookup():
    def resolver(*args):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    with pytest.raises(ProbeError) as excinfo:
        ping("nowhere.invalid", resolver=resolver)
    assert excinfo.value.cause == "dns" and "nowhere.invalid" in excinfo.value.hint


def test_commands_are_sent_in_the_redis_protocol():
    assert _command("AUTH", "default", "tok") == b"*3\r\n$4\r\nAUTH\r\n$7\r\ndefault\r\n$3\r\ntok\r\n"
