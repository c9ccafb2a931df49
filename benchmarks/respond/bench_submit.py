"""Sustained respondent submissions through ``/s/{id}``, beside a bare FastAPI floor.

Usage:  .venv/bin/python benchmarks/respond/bench_submit.py [--duration 20] [--concurrency 16]
            [--workers 2] [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/test]
            [--sqlite-dir /tmp] [--profile 200]

One *submission* is what a respondent of a one-page survey (an NPS question and an open
comment) does: GET ``/s/{id}?ch=web`` with no cookie (a new draft, its resume cookie and
the form's CSRF token), then POST the answers with that cookie and token, which records
the response through the intake pipeline and answers with the thank-you page: two
requests per response. The floor is a bare FastAPI app with one POST endpoint that only
inserts the same ``responses`` row and its two ``answers`` rows with SQLAlchemy Core: one
request per response.

Each side is served by ``uvicorn`` (``--workers`` worker processes, access log off) in its
own process on 127.0.0.1, on a fresh SQLite file (in ``--sqlite-dir``, default a temporary
folder) and, with ``--postgres URL``, on a fresh PostgreSQL schema of that database
(dropped afterwards). The load generator is a separate process: ``--concurrency`` asyncio
workers, each with its own keep-alive ``httpx`` connection, sending the next request as
soon as the last one is answered (closed loop), for a 2 s warm-up and then ``--duration``
seconds. Every run stops by itself. The script prints a table (requests/s, responses/s,
p50/p99 request latency, p99 submission latency, errors, ratio to the floor, the CPU
seconds of server and generator) and checks that the database holds one response per
completed submission.

``--profile N`` also runs N submissions in-process (``httpx.ASGITransport``, SQLite) under
pyinstrument (or cProfile with ``--profiler cprofile``) and prints where the time goes,
with the number of sessions, connections, commits and statements per submission.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import pstats
import re
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any, cast

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

SCRIPT = Path(__file__).resolve()
CSRF = re.compile(r'name="csrf" value="([0-9a-f]+)"')
WARMUP_S = 2.0

DEFINITION: dict[str, Any] = {
    "title": {"zh-CN": "服务满意度调查", "en": "Service satisfaction survey"},
    "expected_seconds": 30,
    "questions": [
        {
            "code": "nps",
            "kind": "nps",
            "text": {"zh-CN": "您向朋友推荐我们的可能性有多大？", "en": "How likely?"},
            "required": True,
        },
        {"code": "comment", "kind": "open", "text": {"zh-CN": "还有什么建议？", "en": "Else?"}},
    ],
}
COMMENT = "师傅很专业，就是来晚了半小时。"


# --- the servers -----------------------------------------------------------------------


def _floor_app(url: str) -> FastAPI:
    """A bare FastAPI app that inserts one response row and its answer rows, nothing else."""
    from datetime import UTC, datetime

    from manyi.storage.database import Database
    from manyi.storage.tables import AnswerRow, ResponseRow

    db = Database(url)
    from sqlalchemy import Table

    responses = cast(Table, ResponseRow.__table__)
    answers = cast(Table, AnswerRow.__table__)
    app = FastAPI()

    @app.post("/floor/{survey_id}")
    async def floor(survey_id: int, request: Request) -> JSONResponse:
        form = await request.form()
        nps = int(str(form["q.nps"]))
        comment = str(form.get("q.comment") or "")
        now = datetime.now(UTC).replace(tzinfo=None)
        with db.engine.begin() as conn:
            response_id = conn.execute(
                responses.insert()
                .values(
                    survey_id=survey_id,
                    survey_version=1,
                    submitted_at=now,
                    received_at=now,
                    started_at=now,
                    language="zh-CN",
                    answers={"nps": nps, "comment": comment},
                    metadata={},
                    quality_flags=[],
                    consent=False,
                    source="web",
                    content_hash=uuid.uuid4().hex,
                )
                .returning(responses.c.id)
            ).scalar_one()
            conn.execute(
                answers.insert(),
                [
                    {
                        "response_id": response_id,
                        "survey_id": survey_id,
                        "question": "nps",
                        "item": "",
                        "value": float(nps),
                        "text": None,
                        "submitted_at": now,
                    },
                    {
                        "response_id": response_id,
                        "survey_id": survey_id,
                        "question": "comment",
                        "item": "",
                        "value": None,
                        "text": comment,
                        "submitted_at": now,
                    },
                ],
            )
        return JSONResponse({"id": response_id}, status_code=201)

    return app


def _no_rate_limits() -> None:
    """The load comes from one address at hundreds of requests a second: the respondent
    form's per-address and per-link limits (MANYI_RESPOND_RATE_*) are turned off."""
    os.environ.setdefault("MANYI_RESPOND_RATE_PER_IP", "")
    os.environ.setdefault("MANYI_RESPOND_RATE_PER_LINK", "")


def _manyi_app(url: str, data_dir: str) -> Any:
    from manyi.app import create_app
    from manyi.config import Settings

    _no_rate_limits()

    # One load generator from one address: the respondent rate limits would measure
    # themselves, not the submissions (docs/respond.md, "Quality and abuse").
    settings = Settings(
        environment="test",
        database_url=url,
        data_dir=Path(data_dir),
        respond_rate_per_ip="",
        respond_rate_per_link="",
    )
    return create_app(settings)


def app_from_env() -> Any:
    """The app a uvicorn worker process serves (``--workers`` > 1 needs a factory to import)."""
    side, url, data_dir = (os.environ[f"BENCH_{k}"] for k in ("SIDE", "URL", "DATA_DIR"))
    return _floor_app(url) if side == "floor" else _manyi_app(url, data_dir)


def serve(side: str, url: str, data_dir: str, port: int, workers: int) -> None:
    import uvicorn

    os.environ.update(BENCH_SIDE=side, BENCH_URL=url, BENCH_DATA_DIR=data_dir)
    uvicorn.run(
        f"{SCRIPT.stem}:app_from_env",
        factory=True,
        app_dir=str(SCRIPT.parent),
        workers=workers,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        access_log=False,
    )


# --- the load generator ----------------------------------------------------------------


async def _worker(
    side: str,
    base: str,
    survey_id: int,
    stop_at: float,
    measure_from: float,
    out: dict[str, list[float]],
    errors: list[str],
) -> None:
    import httpx

    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30.0) as client:
        n = 0
        while time.perf_counter() < stop_at:
            n += 1
            fields = {"q.nps": str(n % 11), "q.comment": COMMENT}
            start = time.perf_counter()
            try:
                if side == "floor":
                    r = await client.post(f"/floor/{survey_id}", data=fields)
                    ok = r.status_code == 201
                    laps = [time.perf_counter() - start]
                else:
                    client.cookies.clear()  # a new respondent: no resume cookie
                    url = f"/s/{survey_id}?ch=web"
                    page = await client.get(url)
                    got = time.perf_counter()
                    found = CSRF.search(page.text)
                    if page.status_code != 200 or found is None:
                        errors.append(f"GET {page.status_code}")
                        continue
                    r = await client.post(url, data={"csrf": found.group(1), **fields})
                    ok = r.status_code == 200 and "csrf" not in r.text
                    laps = [got - start, time.perf_counter() - got]
            except httpx.HTTPError as problem:
                errors.append(type(problem).__name__)
                continue
            if start < measure_from:
                continue
            if not ok:
                errors.append(f"POST {r.status_code}")
                continue
            out["requests"].extend(laps)
            out["submissions"].append(time.perf_counter() - start)


async def _load(side: str, port: int, survey_id: int, duration: float, concurrency: int) -> None:
    base = f"http://127.0.0.1:{port}"
    out: dict[str, list[float]] = {"requests": [], "submissions": []}
    errors: list[str] = []
    now = time.perf_counter()
    measure_from = now + WARMUP_S
    stop_at = measure_from + duration
    await asyncio.gather(
        *(
            _worker(side, base, survey_id, stop_at, measure_from, out, errors)
            for _ in range(concurrency)
        )
    )
    used = resource.getrusage(resource.RUSAGE_SELF)
    print(
        json.dumps(
            {
                "requests": out["requests"],
                "submissions": out["submissions"],
                "errors": errors,
                "cpu_s": used.ru_utime + used.ru_stime,
            }
        )
    )


# --- the run ---------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_up(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not start in 30 s")


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants (uvicorn's worker processes)."""
    found = [pid]
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in children:
            found += _tree(int(child))
    return found


def _cpu_s(pid: int) -> float:
    """CPU seconds (user + system) of the server process and its workers so far."""
    total = 0
    for one in _tree(pid):
        try:
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] * 1000


def _prepare(url: str) -> int:
    """Migrate the fresh database and create the open one-page survey; its id."""
    from manyi.storage.database import Database
    from manyi.storage.migrate import upgrade
    from manyi.surveys.service import create_survey

    db = Database(url)
    upgrade(db)
    survey = create_survey(db, DEFINITION, status="active")
    db.dispose()
    return survey.id


def _stored(url: str) -> int:
    from sqlalchemy import func, select

    from manyi.storage.database import Database
    from manyi.storage.tables import ResponseRow

    db = Database(url)
    with db.session() as s:
        n = int(s.scalar(select(func.count()).select_from(ResponseRow)) or 0)
    db.dispose()
    return n


def run_side(
    backend: str, side: str, url: str, data_dir: str, args: argparse.Namespace
) -> dict[str, Any]:
    survey_id = _prepare(url)
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, str(SCRIPT), "_serve", side, url, data_dir, str(port), str(args.workers)]
    )
    try:
        _wait_up(port, server)
        time.sleep(1.0 if args.workers > 1 else 0.0)  # every worker has imported its app
        cpu_before = _cpu_s(server.pid)
        loader = subprocess.run(
            [
                sys.executable,
                str(SCRIPT),
                "_load",
                side,
                str(port),
                str(survey_id),
                str(args.duration),
                str(args.concurrency),
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=args.duration + 120,
        )
        server_cpu = _cpu_s(server.pid) - cpu_before
    finally:
        server.terminate()
        server.wait(timeout=60)
    found = json.loads(loader.stdout)
    stored = _stored(url)
    per = 1 if side == "floor" else 2
    done = len(found["submissions"])
    # Warm-up submissions and those cut by the stop are stored but not counted.
    if stored < done:
        raise SystemExit(f"{backend}/{side}: {done} submissions counted but {stored} stored")
    return {
        "backend": backend,
        "side": side,
        "requests_s": len(found["requests"]) / args.duration,
        "responses_s": done / args.duration,
        "p50_ms": _pct(found["requests"], 50),
        "p99_ms": _pct(found["requests"], 99),
        "p99_submission_ms": _pct(found["submissions"], 99),
        "errors": len(found["errors"]),
        "error_kinds": sorted(set(found["errors"]))[:5],
        "server_cpu_s": server_cpu,
        "loader_cpu_s": found["cpu_s"],
        "stored": stored,
        "requests_per_response": per,
    }


def _backends(args: argparse.Namespace, tmp: Path) -> list[tuple[str, Any]]:
    """(name, function side -> fresh database URL and its cleanup)."""
    folder = Path(args.sqlite_dir) if args.sqlite_dir else tmp

    def fresh_file(side: str) -> tuple[str, Any]:
        path = folder / f"bench-{side}-{uuid.uuid4().hex[:8]}.db"

        def remove() -> None:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)

        return f"sqlite:///{path}", remove

    chosen: list[tuple[str, Any]] = [("sqlite", fresh_file)]
    if args.postgres:
        from sqlalchemy import create_engine, text

        def fresh_schema(side: str) -> tuple[str, Any]:
            schema = f"bench_{side}_{uuid.uuid4().hex[:8]}"
            admin = create_engine(args.postgres)
            with admin.begin() as conn:
                conn.execute(text(f"CREATE SCHEMA {schema}"))
            sep = "&" if "?" in args.postgres else "?"

            def drop() -> None:
                with admin.begin() as conn:
                    conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
                admin.dispose()

            return f"{args.postgres}{sep}options=-csearch_path%3D{schema}", drop

        chosen.append(("postgresql", fresh_schema))
    return chosen


def _inline_threadpool() -> None:
    """Run FastAPI's sync routes and dependencies on the calling thread, so that cProfile
    (which sees one thread) sees them; only for ``--profile``."""
    import anyio.to_thread
    import fastapi.concurrency
    import fastapi.dependencies.utils
    import fastapi.routing
    import starlette.concurrency

    async def inline(func: Any, *args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    for module in (starlette.concurrency, fastapi.concurrency, fastapi.routing):
        module.run_in_threadpool = inline  # type: ignore[attr-defined]
    fastapi.dependencies.utils.run_in_threadpool = inline  # type: ignore[attr-defined]
    anyio.to_thread.run_sync = inline  # type: ignore[assignment]


def _counting(db: Any) -> dict[str, int]:
    """Count sessions, new DBAPI connections, pool checkouts, commits and statements."""
    from sqlalchemy import event

    counts = dict.fromkeys(("sessions", "connections", "checkouts", "commits", "statements"), 0)

    def bump(name: str) -> Any:
        def listener(*_: Any, **__: Any) -> None:
            counts[name] += 1

        return listener

    event.listen(db.engine, "connect", bump("connections"))
    event.listen(db.engine, "checkout", bump("checkouts"))
    event.listen(db.engine, "commit", bump("commits"))
    event.listen(db.engine, "before_cursor_execute", bump("statements"))
    factory = db._factory

    def counted_factory() -> Any:
        counts["sessions"] += 1
        return factory()

    db._factory = counted_factory
    return counts


def profile(n: int, profiler_name: str) -> None:
    """N submissions in-process (SQLite) under a profiler: where one submission's time goes."""
    import httpx

    from manyi.runtime import Database

    _inline_threadpool()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'profile.db'}"
        survey_id = _prepare(url)
        db = Database(url)
        app = create_app_on(db, tmp)
        transport = httpx.ASGITransport(app=app)

        async def submit(client: httpx.AsyncClient, k: int) -> None:
            client.cookies.clear()
            page = await client.get(f"/s/{survey_id}?ch=web")
            found = CSRF.search(page.text)
            if found is None:
                raise SystemExit(f"GET /s/{survey_id}: {page.status_code}, no form")
            fields = {"csrf": found.group(1), "q.nps": str(k % 11), "q.comment": COMMENT}
            done = await client.post(f"/s/{survey_id}?ch=web", data=fields)
            if done.status_code != 200:
                raise SystemExit(f"POST /s/{survey_id}: {done.status_code}")

        async def all_of_them(
            start_profiler: Any, stop_profiler: Any
        ) -> tuple[float, dict[str, int]]:
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
                for k in range(20):  # warm the imports, templates and caches
                    await submit(client, k)
                counts = _counting(db)
                start_profiler()
                start = time.perf_counter()
                for k in range(n):
                    await submit(client, k)
                took = time.perf_counter() - start
                stop_profiler()
                return took, counts

        if profiler_name == "cprofile":
            profiler = cProfile.Profile()
            took, counts = asyncio.run(all_of_them(profiler.enable, profiler.disable))
        else:
            from pyinstrument import Profiler

            sampler = Profiler(interval=0.0005, async_mode="disabled")
            took, counts = asyncio.run(all_of_them(sampler.start, sampler.stop))
        per = {name: round(count / n, 1) for name, count in counts.items()}
        print(f"\n{n} submissions in-process: {took / n * 1000:.1f} ms each ({profiler_name})")
        print(f"per submission (GET + POST): {per}")
        if profiler_name == "cprofile":
            stats = pstats.Stats(profiler)
            stats.sort_stats("cumulative").print_stats(60)
            stats.sort_stats("tottime").print_stats(25)
        else:
            print(sampler.output_text(unicode=True, color=False, show_all=False))
        db.dispose()


def create_app_on(db: Any, data_dir: str) -> Any:
    from manyi.app import create_app
    from manyi.config import Settings

    _no_rate_limits()
    settings = Settings(environment="test", database_url=db.url, data_dir=Path(data_dir))
    return create_app(settings, db)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=20.0, help="measured seconds")
    parser.add_argument("--concurrency", type=int, default=16, help="load workers (<= 256)")
    parser.add_argument("--postgres", help="PostgreSQL URL; a fresh schema is made and dropped")
    parser.add_argument("--sides", nargs="*", default=["floor", "manyi"], help="none: profile only")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument(
        "--sqlite-dir", help="folder of the SQLite files (default: a temporary one)"
    )
    parser.add_argument("--profile", type=int, default=0, help="profile N submissions")
    parser.add_argument("--profiler", choices=["pyinstrument", "cprofile"], default="pyinstrument")
    args = parser.parse_args()
    if not 1 <= args.concurrency <= 256 or not 1 <= args.duration <= 300:
        raise SystemExit("--concurrency must be 1..256 and --duration 1..300 s")
    if not 1 <= args.workers <= 32:
        raise SystemExit("--workers must be 1..32")
    rows = []
    before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for backend, fresh in _backends(args, tmp):
            for side in args.sides:
                url, cleanup = fresh(side)
                data_dir = tmp / f"{backend}-{side}"
                data_dir.mkdir()
                try:
                    rows.append(run_side(backend, side, url, str(data_dir), args))
                finally:
                    if cleanup:
                        cleanup()
    load = os.getloadavg()
    print(
        f"\nduration {args.duration:.0f} s, concurrency {args.concurrency}, "
        f"{args.workers} uvicorn worker(s) a side, load average before {before[0]:.2f}, "
        f"{os.cpu_count()} cores, load average at the end {load[0]:.2f} {load[1]:.2f}"
    )
    print(
        "| backend | side | requests/s | responses/s | p50 request | p99 request "
        "| p99 submission | errors | responses/s vs floor | server CPU | server CPU a response "
        "| generator CPU |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    floors = {r["backend"]: r["responses_s"] for r in rows if r["side"] == "floor"}
    for r in rows:
        floor = floors.get(r["backend"])
        ratio = f"{floor / r['responses_s']:.1f}× slower" if floor and r["side"] != "floor" else "–"
        # The server's CPU is measured over warm-up and measurement: per response, roughly,
        # the figure that depends least on what else the machine is doing.
        window = args.duration + WARMUP_S
        per_response = r["server_cpu_s"] / max(r["responses_s"] * window, 1) * 1000
        print(
            f"| {r['backend']} | {r['side']} | {r['requests_s']:,.0f} | {r['responses_s']:,.0f} "
            f"| {r['p50_ms']:.1f} ms | {r['p99_ms']:.1f} ms | {r['p99_submission_ms']:.1f} ms "
            f"| {r['errors']} | {ratio} | {r['server_cpu_s']:.1f} s | {per_response:.1f} ms "
            f"| {r['loader_cpu_s']:.1f} s |"
        )
        if r["errors"]:
            print(f"  errors of {r['backend']}/{r['side']}: {r['error_kinds']}")
    if args.profile:
        profile(args.profile, args.profiler)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_serve":
        serve(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6]))
    elif len(sys.argv) > 1 and sys.argv[1] == "_load":
        side, port, survey, duration, concurrency = sys.argv[2:7]
        asyncio.run(_load(side, int(port), int(survey), float(duration), int(concurrency)))
    else:
        main()
