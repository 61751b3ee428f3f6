# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""env_files' inputs: every file checked (an absolute path, once, an octal mode) before anything is written."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re


def check_files(files, keep):
    """[(path, content bytes, mode)] in order, or a ValueError naming every bad field (files[i].path ...)."""
    errors, checked, seen = [], [], set()
    if keep < 0:
        errors.append("keep: must be 0 or more, got %d" % keep)
    for index, item in enumerate(files):
        path, mode, content = item.get("path"), item.get("mode"), item.get("content")
        if not path or not os.path.isabs(path) or path.endswith("/"):
            errors.append("files[%d].path: must be an absolute file path, got %r" % (index, path))
        elif path in seen:
            errors.append("files[%d].path: %s is written twice" % (index, path))
        seen.add(path)
        if not re.match(r"^0?[0-7]{3}$", str(mode)):
            errors.append("files[%d].mode: an octal mode as a string such as 0640, got %r" % (index, mode))
        if not isinstance(content, str):
            errors.append("files[%d].content: required, a string" % index)
        else:
            checked.append((path, content.encode("utf-8"), str(mode)))
    if errors:
        raise ValueError("; ".join(errors))
    return checked
