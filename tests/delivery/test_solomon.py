"""Solomon's VRPTW instances: the reader, the problem it makes, distances in Solomon's units, PyVRP on them,
and `seamline routes solve`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from seamline.cli import main
from seamline.delivery import pyvrp_solver
from seamline.delivery.feasibility import check_plan
from seamline.delivery.problem import Load
from seamline.delivery.solomon import (
    SCALE,
    plan_routes,
    read_best_known,
    read_solomon,
    routes_distance,
    to_problem,
)

from .cases import bike, lunch, parcel, problem, transfer, van

DATA = Path(__file__).resolve().parent.parent / "data" / "routing" / "solomon"


def test_read_c101():
    inst = read_solomon(DATA / "C101.txt")
    assert (inst.name, inst.vehicles, inst.capacity, len(inst.customers)) == ("C101", 25, 200, 100)
    assert (inst.depot.x, inst.depot.y, inst.depot.due) == (40, 50, 1236)
    first = inst.customers[0]
    assert (first.number, first.x, first.y, first.demand, first.ready, first.due, first.service) == (
        1,
        45,
        68,
        10,
        912,
        967,
        90,
    )


def test_the_problem_scales_to_hundredths_and_rounds_travel_up():
    inst = read_solomon(DATA / "C101.txt")
    p = to_problem(inst)
    assert len(p.vehicles) == 25 and p.vehicles[0].capacity == Load(200, 0)
    assert p.vehicles[0].shift.end_s == 1236 * SCALE
    job = p.jobs[0]
    assert (job.id, job.stop.location, job.stop.service_s, job.load) == ("1", 1, 9_000, Load(10, 0))
    assert (job.stop.windows[0].start_s, job.stop.windows[0].end_s) == (91_200, 96_700)
    matrix = p.matrices["solomon"]
    # depot (40, 50) to customer 1 (45, 68): 18.6815… units
    assert matrix.distances_m[0][1] == 1_868 and matrix.durations_s[0][1] == 1_869


def test_distance_in_solomon_units_from_the_coordinates():
    inst = read_solomon(DATA / "C101.txt")
    assert routes_distance(inst, [[1]]) == round(2 * 18.681541692269406, 2)
    assert routes_distance(inst, []) == 0.0


def test_best_known_values():
    bks = read_best_known(DATA / "bks.csv")
    assert set(bks) == {"C101", "C201", "R101", "RC101"}
    assert (bks["R101"].hier_vehicles, bks["R101"].distance_vehicles, bks["R101"].distance) == (
        19,
        20,
        1642.88,
    )


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "no NUMBER CAPACITY heading"),
        ("X\nVEHICLE\nNUMBER CAPACITY\n 25 many\n", "line 4: expected the vehicle number and capacity"),
        (
            "X\nVEHICLE\nNUMBER CAPACITY\n 25 200\nCUSTOMER\nCUST NO. X\n 0 1 2 3\n",
            "line 7: expected 7 numbers",
        ),
        ("X\nVEHICLE\nNUMBER CAPACITY\n 25 200\nCUSTOMER\nCUST NO. X\n 1 1 1 1 1 1 1\n", "no depot"),
    ],
)
def test_malformed_instances_name_the_line(tmp_path, text, words):
    path = tmp_path / "bad.txt"
    path.write_text(text)
    with pytest.raises(ValueError, match=words):
        read_solomon(path)


def test_pyvrp_plans_c201_at_the_best_known_distance():
    inst = read_solomon(DATA / "C201.txt")
    p = to_problem(inst)
    plan = pyvrp_solver.solve(p, seconds=1)
    assert check_plan(p, plan) == []
    assert plan.solver == "pyvrp" and plan.unassigned == ()
    routes = plan_routes(plan)
    assert sorted(n for r in routes for n in r) == list(range(1, 101))
    assert routes_distance(inst, routes) <= 591.56 * 1.01


def test_pyvrp_plans_a_small_city_problem_with_two_profiles():
    jobs = [parcel(f"p{i}", 1 + i % 9, window=(9 * 3600, 17 * 3600) if i % 2 else None) for i in range(12)]
    p = problem([bike(range_m=20_000), van()], jobs)
    plan = pyvrp_solver.solve(p, seconds=0.5)
    assert check_plan(p, plan) == []


@pytest.mark.parametrize(
    ("p", "words"),
    [
        (problem([van()], [parcel("p", 1)], [transfer("t", 1, 2)]), "transfers"),
        (problem([van(breaks=(lunch(),))], [parcel("p", 1)]), "breaks"),
        (problem([van()], [parcel("p", 1, skills=frozenset({"cold"}))]), "skills"),
        (problem([van()], [parcel("p", 1, on_vehicle="van-1")]), "already aboard"),
    ],
)
def test_pyvrp_refuses_what_it_cannot_express(p, words):
    with pytest.raises(ValueError, match=f"PyVRP cannot plan .*{words}"):
        pyvrp_solver.solve(p, seconds=0.5)


def test_cli_solves_c101_as_json(capsys):
    assert main(["routes", "solve", str(DATA / "C101.txt"), "--time", "1", "--json"]) == 0
    out, err = capsys.readouterr()
    answer = json.loads(out)
    assert answer["vehicles"] == len(answer["routes"]) == 10
    assert sorted(n for r in answer["routes"] for n in r) == list(range(1, 101))
    assert answer["distance"] == pytest.approx(828.94, abs=0.01)
    assert "routes solve: solving 100 jobs on 25 vehicles" in err


def test_cli_with_vroom_prints_a_table(capsys):
    assert (
        main(["routes", "solve", str(DATA / "C201.txt"), "--time", "1", "--solver", "vroom", "--quiet"]) == 0
    )
    out, err = capsys.readouterr()
    assert out.startswith("C201: 3 vehicles, distance ") and err == ""
    assert len(out.splitlines()) == 2 + 3


def test_cli_bad_input_is_one_line_and_status_2(tmp_path, capsys):
    bad = tmp_path / "bad.txt"
    bad.write_text("not an instance\n")
    assert main(["routes", "solve", str(tmp_path / "missing.txt")]) == 2
    assert main(["routes", "solve", str(bad), "--json"]) == 2
    _, err = capsys.readouterr()
    assert err.splitlines() == [
        f"seamline: {tmp_path / 'missing.txt'}: no such file",
        "seamline: bad.txt: not a Solomon instance (no NUMBER CAPACITY heading)",
    ]
