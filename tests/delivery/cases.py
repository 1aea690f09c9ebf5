"""Small routing problems on a street: place i is i blocks from the hub (place 0); a van covers a block in
10 minutes and 2 km, a bike takes twice as long for the same 2 km. Times are seconds since midnight."""

from __future__ import annotations

from seamline.delivery.problem import Break, Job, Load, Matrix, Problem, Stop, Transfer, Vehicle, Window

H = 3600
PLACES = 12
BLOCK_S = 600
BLOCK_M = 2000


def street(seconds_per_block: int = BLOCK_S) -> Matrix:
    span = range(PLACES)
    return Matrix(
        durations_s=tuple(tuple(abs(i - j) * seconds_per_block for j in span) for i in span),
        distances_m=tuple(tuple(abs(i - j) * BLOCK_M for j in span) for i in span),
    )


MATRICES = {"van": street(), "bike": street(2 * BLOCK_S)}


def van(vid: str = "van-1", **kw) -> Vehicle:
    fields = {
        "profile": "van",
        "start": 0,
        "end": 0,
        "capacity": Load(20, 100_000),
        "shift": Window(8 * H, 18 * H),
    }
    return Vehicle(vid, **{**fields, **kw})


def bike(vid: str = "bike-1", **kw) -> Vehicle:
    fields = {
        "profile": "bike",
        "start": 0,
        "end": 0,
        "capacity": Load(8, 40_000),
        "shift": Window(8 * H, 18 * H),
    }
    return Vehicle(vid, **{**fields, **kw})


def parcel(pid: str, place: int, *, grams: int = 2_000, window: tuple[int, int] | None = None, **kw) -> Job:
    windows = () if window is None else (Window(*window),)
    return Job(pid, Stop(place, 120, windows), Load(1, grams), **kw)


def transfer(tid: str, frm: int, to: int, *, grams: int = 10_000, **kw) -> Transfer:
    return Transfer(tid, Stop(frm, 300), Stop(to, 300), Load(2, grams), **kw)


def lunch(bid: str = "lunch") -> Break:
    return Break(bid, (Window(12 * H, 13 * H),), 30 * 60)


def problem(vehicles, jobs=(), transfers=()) -> Problem:
    return Problem(tuple(vehicles), tuple(jobs), tuple(transfers), MATRICES)
