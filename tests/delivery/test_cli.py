"""`seamline routes plan DATE`: a day planned in the process with a progress line, printed or as JSON."""

from __future__ import annotations

import json

from seamline.cli import main
from seamline.delivery.models import Plan

from .conftest import tomorrow


def test_routes_plan_prints_the_days_routes_as_json(factory, fleet, parcels, capsys):
    day = tomorrow().isoformat()
    assert main(["routes", "plan", day, "--organization", factory.org.slug, "--time", "1", "--json"]) == 0
    out, err = capsys.readouterr()
    summary = json.loads(out)
    assert summary["day"] == day and summary["solver"] == "vroom"
    planned = [stop for route in summary["routes"] for stop in route["stops"]]
    left = [u["job"] for u in summary["unassigned"]]
    assert sorted(planned + left) == sorted(p.label for p in parcels)
    assert f"routes plan {day}: " in err  # the progress line
    assert Plan.objects.get(pk=summary["plan"]).status == "done"


def test_routes_plan_refuses_bad_input_in_one_line(factory, fleet, capsys):
    assert main(["routes", "plan", "someday", "--organization", factory.org.slug]) == 2
    assert main(["routes", "plan", "2001-01-01", "--organization", factory.org.slug]) == 2
    assert main(["routes", "plan", "tomorrow", "--organization", "nobody"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 3 and all(line.startswith("seamline: ") for line in err)
    assert "'someday' is not a day" in err[0] and "is past" in err[1] and "no factory 'nobody'" in err[2]
