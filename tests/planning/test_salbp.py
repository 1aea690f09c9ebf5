"""The SALBP `.IN2` reader and SALBP-1 against an exhaustive solver written apart from the model."""

from __future__ import annotations

from fractions import Fraction
from functools import cache
from pathlib import Path

import pytest

from seamline.planning.balance import BalanceTask
from seamline.planning.salbp import read_in2, solve_file, solve_salbp1

DATA = Path(__file__).resolve().parent.parent / "data" / "balancing"
LIMIT = 5.0


def fewest_stations(tasks: list[BalanceTask], cycle: float) -> int:
    """Exact SALBP-1 by dynamic programming over the sets of tasks done (a station takes any set of the
    remaining tasks whose predecessors are done or in it, within the cycle). Fine up to ~14 tasks."""
    n = len(tasks)
    index = {t.id: k for k, t in enumerate(tasks)}
    pred = [sum(1 << index[p] for p in t.after) for t in tasks]
    time = [Fraction(str(t.sam)) for t in tasks]
    cap = Fraction(str(cycle))
    full = (1 << n) - 1

    @cache
    def rest(done: int) -> int:
        if done == full:
            return 0
        best = n
        remaining = full & ~done
        sub = remaining
        while sub:
            closed = done | sub
            members = [k for k in range(n) if sub >> k & 1]
            if all(pred[k] & ~closed == 0 for k in members) and sum(time[k] for k in members) <= cap:
                best = min(best, 1 + rest(closed))
            sub = (sub - 1) & remaining
        return best

    return rest(0)


def check_stations(result: dict, tasks: list[BalanceTask], cycle: float) -> None:
    """Each task once, no station over the cycle, every predecessor in the same or an earlier station
    (and earlier within the station), loads the sums of the times."""
    sam = {int(t.id): t.sam for t in tasks}
    where = {}
    for k, station in enumerate(result["stations"]):
        assert station
        for pos, j in enumerate(station):
            assert j not in where
            where[j] = (k, pos)
        assert sum(sam[j] for j in station) <= cycle + 1e-9
        assert result["loads"][k] == pytest.approx(sum(sam[j] for j in station))
    assert sorted(where) == sorted(sam)
    for t in tasks:
        for p in t.after:
            assert where[int(p)] < where[int(t.id)]
    assert result["station_count"] == len(result["stations"])
    assert result["station_count"] >= result["lower_bound"]


def jackson() -> list[BalanceTask]:
    return read_in2((DATA / "JACKSON.IN2").read_text())


def test_reads_jackson():
    tasks = jackson()
    assert [t.id for t in tasks] == [str(k) for k in range(1, 12)]
    assert [t.sam for t in tasks] == [6, 2, 5, 7, 1, 2, 3, 6, 5, 5, 4]
    assert tasks[0].after == ()
    assert tasks[6].after == ("3", "4", "5")
    assert tasks[10].after == ("9", "10")


def test_crlf_and_blank_lines_read_like_plain_lines():
    crlf = (DATA / "TEE.IN2").read_bytes().decode()
    assert "\r\n\r\n" in crlf
    plain = "\n".join(line for line in crlf.replace("\r\n", "\n").split("\n") if line) + "\n"
    assert read_in2(crlf) == read_in2(plain)
    assert read_in2("2\n1.5\n2\n1,2\n-1,-1\nanything after the end\n")[1] == BalanceTask("2", 2.0, ("1",))


@pytest.mark.parametrize(("cycle", "published"), [(7, 8), (9, 6), (10, 5), (13, 4), (14, 4), (21, 3)])
def test_jackson_salbp1_is_optimal(cycle, published):
    tasks = jackson()
    result = solve_salbp1(tasks, cycle, time_limit_s=LIMIT)
    check_stations(result, tasks, cycle)
    assert result["status"] == "optimal"
    assert result["station_count"] == fewest_stations(tasks, cycle) == published
    assert result["cycle"] == cycle
    assert result["lower_bound"] == -(-46 // cycle)


@pytest.mark.parametrize("cycle", [50, 60, 75, 100, 225])
def test_tee_salbp1_is_optimal(cycle):
    tasks = read_in2((DATA / "TEE.IN2").read_text())
    result = solve_salbp1(tasks, cycle, time_limit_s=LIMIT)
    check_stations(result, tasks, cycle)
    assert result["station_count"] == fewest_stations(tasks, cycle)


def test_fractional_cycle():
    tasks = jackson()
    result = solve_salbp1(tasks, 9.5, time_limit_s=LIMIT)
    check_stations(result, tasks, 9.5)
    assert result["station_count"] == fewest_stations(tasks, 9.5)
    assert result["cycle"] == 9.5


def test_jacket_is_solved_to_optimality():
    tasks = read_in2((DATA / "JACKET.IN2").read_text())
    for cycle in (150, 300):
        result = solve_salbp1(tasks, cycle, time_limit_s=LIMIT)
        check_stations(result, tasks, cycle)
        assert result["status"] == "optimal"
    assert result["station_count"] == 4  # 1,175 s in stations of 300: the lower bound is met


def test_solve_file_names_the_instance():
    result = solve_file(DATA / "JACKSON.IN2", 10, time_limit_s=LIMIT)
    assert (result["instance"], result["tasks"], result["station_count"]) == ("JACKSON.IN2", 11, 5)
    assert set(result) >= {"cycle", "stations", "station_count", "loads", "lower_bound", "status", "wall_s"}


def test_task_longer_than_the_cycle_is_named():
    with pytest.raises(ValueError, match="task 4 takes 7, longer than the cycle time 6"):
        solve_salbp1(jackson(), 6)
    with pytest.raises(ValueError, match="the cycle time must be > 0"):
        solve_salbp1(jackson(), 0)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty file"),
        ("\r\n\n", "empty file"),
        ("x\n1\n", "line 1: the number of tasks must be a whole number >= 1"),
        ("0\n-1,-1\n", "line 1: the number of tasks must be a whole number >= 1"),
        ("3\n1\n2\n", "3 tasks announced but only 2 lines follow"),
        ("2\n1\nfast\n-1,-1\n", "line 3: task 2's time 'fast' is not a number"),
        ("2\n1\n0\n-1,-1\n", "line 3: task 2's time must be > 0"),
        ("2\n1\n2\n1-2\n-1,-1\n", "line 4: expected a precedence pair 'i,j'"),
        ("2\n1\n2\n1,3\n-1,-1\n", "line 4: task 3 is not between 1 and 2"),
        ("2\n1\n2\n2,2\n-1,-1\n", "line 4: task 2 cannot come before itself"),
        ("2\n1\n2\n1,2\n", "does not end with '-1,-1'"),
        ("2\n1\n2\n1,2\n2,1\n-1,-1\n", "precedence cycle: 1 -> 2 -> 1"),
    ],
)
def test_reader_errors_name_the_problem(text, message):
    with pytest.raises(ValueError, match=message):
        read_in2(text)
