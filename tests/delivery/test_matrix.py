"""Travel matrices: the offline great-circle provider, and the OSRM/Valhalla table client against a fake
of those outside services (a tiny HTTP server in a thread, answering like OSRM's /table/v1 and Valhalla's
/sources_to_targets)."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from seamline.delivery.matrix import PROFILES, SOURCES, GreatCircleProvider, MatrixError, TableProvider

HUB = (34.0400, -118.2330)  # Arts District
VERNON = (34.0039, -118.2301)
COMMERCE = (34.0006, -118.1598)


def test_great_circle_matrix_by_profile():
    matrices = GreatCircleProvider().matrices([HUB, VERNON, COMMERCE], ["bike", "van"])
    bike, van = matrices["bike"], matrices["van"]
    assert bike.distances_m == van.distances_m  # same streets, same metres
    assert bike.distances_m[0][1] == 4_828  # 4.02 km great circle × 1.20
    assert van.durations_s[0][1] == round(4.828 / 25 * 3600)
    assert bike.durations_s[0][1] == round(4.828 / 15 * 3600)
    assert [bike.distances_m[i][i] for i in range(3)] == [0, 0, 0]
    assert bike.distances_m[1][2] == bike.distances_m[2][1]


def test_every_constant_has_a_source_or_is_flagged_as_an_assumption():
    for name, source in SOURCES.items():
        assert source.citation and source.unit, name
        assert source.sourced or source.citation.startswith("Seamline assumption"), name
    assert SOURCES["circuity"].sourced and "Ballou" in SOURCES["circuity"].citation
    assert {p.speed_kmh for p in PROFILES.values()} == {15.0, 25.0, 30.0}


def test_unknown_profile_is_an_error():
    with pytest.raises(MatrixError, match="no speed for profile 'truck'"):
        GreatCircleProvider().matrices([HUB], ["truck"])


class FakeRoutingServer(BaseHTTPRequestHandler):
    """A fake of OSRM and Valhalla: straight lines at 10 m/s; a place at latitude 0 is unreachable."""

    delay_s = 0.0
    requests: list[str] = []

    def log_message(self, *args) -> None:  # quiet tests
        pass

    def _answer(self, status: int, document: object) -> None:
        body = json.dumps(document).encode()
        with contextlib.suppress(BrokenPipeError):  # the client gave up (the timeout test)
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    def do_GET(self) -> None:  # OSRM: /table/v1/{profile}/{lon,lat;...}?annotations=duration,distance
        type(self).requests.append(self.path)
        time.sleep(self.delay_s)
        path, _, query = self.path.partition("?")
        parts = path.split("/")
        if parts[1:3] != ["table", "v1"] or query != "annotations=duration,distance":
            self._answer(400, {"code": "InvalidUrl", "message": "URL string malformed"})
            return
        points = [tuple(map(float, p.split(","))) for p in parts[4].split(";")]
        if parts[3] == "nowhere":
            self._answer(400, {"code": "InvalidService", "message": "Service nowhere not found!"})
            return
        metres = _straight([(lat, lon) for lon, lat in points])
        durations = [[None if m is None else m / 10 for m in row] for row in metres]
        self._answer(200, {"code": "Ok", "durations": durations, "distances": metres})

    def do_POST(self) -> None:  # Valhalla: /sources_to_targets, verbose answer (distances in km)
        type(self).requests.append(self.path)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        points = [(p["lat"], p["lon"]) for p in body["sources"]]
        metres = _straight(points)
        table = [
            [
                {"from_index": i, "to_index": j, "time": m / 10, "distance": m / 1000}
                for j, m in enumerate(row)
            ]
            for i, row in enumerate(metres)
        ]
        self._answer(200, {"sources_to_targets": table, "units": body["units"], "costing": body["costing"]})


def _straight(points: list[tuple[float, float]]) -> list[list[float | None]]:
    return [
        [None if 0.0 in (a[0], b[0]) and a != b else abs(a[0] - b[0]) * 111_000 for b in points]
        for a in points
    ]


@pytest.fixture
def fake_server() -> Iterator[str]:
    FakeRoutingServer.delay_s = 0.0
    FakeRoutingServer.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeRoutingServer)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_osrm_table(fake_server):
    matrices = TableProvider(fake_server, "osrm").matrices([HUB, VERNON], ["van", "bike"])
    van = matrices["van"]
    assert van.distances_m[0][1] == round(abs(HUB[0] - VERNON[0]) * 111_000)
    assert van.durations_s[0][1] == round(van.distances_m[0][1] / 10)
    assert sorted(p.split("/")[3] for p in FakeRoutingServer.requests) == ["bike", "driving"]
    assert "-118.233000,34.040000;" in FakeRoutingServer.requests[0]  # longitude first


def test_valhalla_table_in_kilometres(fake_server):
    matrix = TableProvider(fake_server, "valhalla").matrices([HUB, VERNON, COMMERCE], ["bike"])["bike"]
    assert matrix.distances_m[0][1] == round(abs(HUB[0] - VERNON[0]) * 111_000)
    assert FakeRoutingServer.requests == ["/sources_to_targets"]


def test_errors_are_clear(fake_server):
    with pytest.raises(MatrixError, match="no route from place 0 to place 1"):
        TableProvider(fake_server).matrices([HUB, (0.0, 0.0)], ["van"])
    with pytest.raises(MatrixError, match=r"HTTP 400.*Service nowhere not found"):
        TableProvider(fake_server, server_profiles={"van": "nowhere"}).matrices([HUB, VERNON], ["van"])
    with pytest.raises(MatrixError, match="no osrm profile for 'boat'"):
        TableProvider(fake_server).matrices([HUB], ["boat"])
    with pytest.raises(ValueError, match="osrm or valhalla"):
        TableProvider(fake_server, "graphhopper")


def test_a_slow_server_times_out(fake_server):
    FakeRoutingServer.delay_s = 0.5
    with pytest.raises(MatrixError, match=r"no answer within 0\.1 s"):
        TableProvider(fake_server, timeout_s=0.1).matrices([HUB, VERNON], ["van"])


def test_no_server_listening():
    with pytest.raises(MatrixError, match="no answer"):
        TableProvider("http://127.0.0.1:9", timeout_s=1).matrices([HUB, VERNON], ["van"])
