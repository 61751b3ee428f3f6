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


class FakeClock:
    """Time that moves only when the prober sleeps or a PING takes time."""

    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def _series(answers, duration, interval=0.25, stop_after=None, ping_seconds=0.0):
    """probe_series on a fake clock (binary fractions keep the sums exact): (result, times of the PINGs)."""
    from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_probe import probe_series

    clock, calls = FakeClock(), []

    def ping_once():
        calls.append(clock() - 100.0)
        clock.now += ping_seconds
        answer = answers[min(len(calls), len(answers)) - 1]
        if answer != "PONG":
            raise ProbeError(answer, "hint")

    def exists(_path):
        return stop_after is not None and len(calls) >= stop_after

    return probe_series(ping_once, duration, interval, "stop" if stop_after else None, clock, clock.sleep,
                        exists), calls


def test_an_outage_lasts_from_the_last_pong_to_the_first_pong_after_it():
    result, calls = _series(["PONG", "PONG", "protocol", "tcp", "tcp", "PONG"], duration=2.0)
    assert result["pings"] == len(calls) == 8 and result["pings_failed"] == 3 and result["pong_at_end"] is True
    assert result["outages"] == [{"started": 0.25, "seconds": 1.0, "failed_pings": 3, "causes": ["protocol", "tcp"],
                                  "ended": True}]
    assert result["longest_outage_seconds"] == 1.0


def test_an_outage_still_going_at_the_end_is_reported_as_not_ended():
    result, _calls = _series(["PONG", "timeout"], duration=1.0)
    assert result["pong_at_end"] is False
    assert result["outages"] == [{"started": 0.0, "seconds": 1.0, "failed_pings": 3, "causes": ["timeout"],
                                  "ended": False}]


def test_no_failure_means_no_outage_and_a_stop_file_ends_the_probing_early():
    result, calls = _series(["PONG"], duration=60, stop_after=5)
    assert len(calls) == 5 and result["outages"] == [] and result["longest_outage_seconds"] == 0.0
    assert result["seconds"] == 1.25


def test_a_slow_ping_shortens_the_sleep_so_pings_stay_on_the_interval():
    _result, calls = _series(["PONG"], duration=2.0, ping_seconds=0.0625)
    assert calls == [0.25 * i for i in range(8)]
