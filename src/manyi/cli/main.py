"""`manyi <noun> <verb>`: serve, demo, worker, db, import, analyze, text, user, token, survey."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from manyi.cli.analyze import analyze_command
from manyi.cli.common import console, load_settings, open_database, open_migrated_database
from manyi.cli.contacts import contacts_app
from manyi.cli.errors import CommandLineError, reports_errors
from manyi.cli.export import export_command
from manyi.cli.organisation import channel_app, department_app, org_app, touchpoint_app
from manyi.cli.privacy import privacy_app
from manyi.cli.report import report_command
from manyi.cli.rollups import rollups_app
from manyi.cli.text import text_command
from manyi.errors import InvalidInput
from manyi.ingestion.files import ERROR_KEY

app = typer.Typer(
    help="manyi 满意: customer-satisfaction and service-quality feedback system.",
    no_args_is_help=True,
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
user_app = typer.Typer(help="Users.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens.", no_args_is_help=True)
survey_app = typer.Typer(help="Surveys.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")
app.add_typer(survey_app, name="survey")
app.add_typer(department_app, name="department")
app.add_typer(channel_app, name="channel")
app.add_typer(touchpoint_app, name="touchpoint")
app.add_typer(org_app, name="org")
app.add_typer(privacy_app, name="privacy")
app.add_typer(contacts_app, name="contacts")
app.add_typer(rollups_app, name="rollups")
app.command("analyze")(analyze_command)
app.command("text")(text_command)
app.command("export")(export_command)
app.command("report")(report_command)


@db_app.command("upgrade")
@reports_errors
def db_upgrade(revision: Annotated[str, typer.Argument(help="target revision")] = "head") -> None:
    """Create or migrate the database schema to the newest version."""
    from manyi.runtime import current_revision

    db = open_migrated_database(load_settings(), revision)
    console.print(f"database at revision {current_revision(db)}", highlight=False)


@user_app.command("create")
@reports_errors
def user_create(
    email: str,
    role: Annotated[str, typer.Option(help="admin, manager, analyst, agent or viewer")],
    department: Annotated[str | None, typer.Option(help="department code")] = None,
    name: Annotated[str, typer.Option(help="display name")] = "",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="read the password from standard input")
    ] = False,
) -> None:
    """Create a user."""
    from manyi.accounts.service import create_user

    if not password_stdin:
        raise CommandLineError("give the password on standard input with --password-stdin")
    password = sys.stdin.readline().rstrip("\r\n")
    user = create_user(
        open_database(load_settings()), email, password, role, name=name, department=department
    )
    typer.echo(user.id)


@token_app.command("create")
@reports_errors
def token_create(
    email: str, name: Annotated[str, typer.Option(help="what the token is for")] = ""
) -> None:
    """Issue an API token for a user; it is printed once and stored only hashed."""
    from manyi.accounts.service import create_token

    typer.echo(create_token(open_database(load_settings()), email, name))


@survey_app.command("create")
@reports_errors
def survey_create(
    file: Annotated[
        Path | None,
        typer.Argument(exists=True, dir_okay=False, help="survey definition (JSON)"),
    ] = None,
    template: Annotated[
        str | None,
        typer.Option(
            help="start from a ready template instead of a file: "
            "ces, csat, followup, kano, nps or servqual"
        ),
    ] = None,
    code: Annotated[str | None, typer.Option(help="a short stable code")] = None,
    status: Annotated[str, typer.Option(help="draft, active, paused or closed")] = "active",
) -> None:
    """Create a survey from a JSON definition or a template and print its id."""
    from manyi.surveys.service import create_survey
    from manyi.surveys.templates import template as template_definition

    if (file is None) == (template is None):
        raise InvalidInput("give either a definition FILE or --template NAME (exactly one)")
    if file is None:
        definition = template_definition(str(template))
    else:
        try:
            definition = json.loads(file.read_text(encoding="utf-8-sig"))
        except ValueError as exc:  # also a file that is not UTF-8
            raise InvalidInput(f"{file.name} is not valid JSON: {exc}") from None
    survey = create_survey(open_database(load_settings()), definition, code=code, status=status)
    typer.echo(survey.id)


@survey_app.command("schedule")
@reports_errors
def survey_schedule(
    survey: Annotated[str, typer.Argument(help="survey id or code")],
    opens: Annotated[
        str | None,
        typer.Option(
            help="opening time, ISO 8601 (2026-12-05T09:00+08:00; no offset: UTC); none clears"
        ),
    ] = None,
    closes: Annotated[
        str | None, typer.Option(help="closing time, ISO 8601 as --opens; none clears")
    ] = None,
) -> None:
    """Set when a survey opens and closes (a bound not given is kept) and print the schedule."""
    from manyi.surveys.schedule import parse_time, set_schedule
    from manyi.surveys.service import find_survey_id, get_survey

    db = open_database(load_settings())
    survey_id = find_survey_id(db, survey)
    current = get_survey(db, survey_id)

    def bound(given: str | None, kept: datetime | None, name: str) -> datetime | None:
        if given is None:
            return kept
        return None if given.strip().lower() == "none" else parse_time(given, name)

    opens_at = bound(opens, current.opens_at, "opens")
    closes_at = bound(closes, current.closes_at, "closes")
    done = set_schedule(db, survey_id, opens_at, closes_at)
    shown = {"opens": done.opens_at, "closes": done.closes_at}
    times = "  ".join(f"{k} {v:%Y-%m-%d %H:%M} UTC" if v else f"{k} -" for k, v in shown.items())
    typer.echo(f"survey {done.id}: {done.status.value}  {times}")


def _progress() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
    )


@app.command("import")
@reports_errors
def import_file(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="CSV, XLSX or JSON Lines")
    ],
    survey: Annotated[
        str | None, typer.Option(help="survey id or code, to import responses")
    ] = None,
    feedback: Annotated[
        bool, typer.Option("--feedback", help="import feedback items instead of responses")
    ] = False,
    mapping: Annotated[
        Path | None,
        typer.Option(exists=True, dir_okay=False, help="YAML/JSON {column: question code}"),
    ] = None,
) -> None:
    """Import responses (--survey ID) or feedback items (--feedback). Bad rows go to an error file."""
    from manyi.ingestion.importer import import_feedback, import_responses
    from manyi.jobs.queue import build_queue
    from manyi.surveys.service import find_survey_id

    if feedback == (survey is not None):
        raise CommandLineError("give either --survey ID or --feedback")
    settings = load_settings()
    db = open_database(settings)
    error_dir = settings.data_dir / "import-errors"
    with _progress() as bar:
        task = bar.add_task(f"importing {escape(file.name)}", total=None)

        def report(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        # the stored text is analysed by the worker (`manyi serve` runs one): ask it now
        enqueue = build_queue(settings, db).enqueue_enrichment
        if survey is None:
            result = import_feedback(
                db,
                file,
                error_dir=error_dir,
                progress=report,
                enqueue=enqueue,
                keep_raw_text=settings.keep_raw_text,
            )
        else:
            result = import_responses(
                db,
                file,
                find_survey_id(db, survey),
                mapping_file=mapping,
                error_dir=error_dir,
                progress=report,
                speeder_fraction=settings.speeder_fraction,
                enqueue=enqueue,
                keep_raw_text=settings.keep_raw_text,
            )
    console.print(
        f"{result.imported} imported, {result.duplicates} already stored, {result.errors} rejected "
        f"(of {result.total_rows} rows; import {result.import_id})"
    )
    # the reader's key for a rejected row's reason is no column of the file
    unused = [c for c in result.unmapped_columns if c != ERROR_KEY]
    if unused:  # column names are the file's own text: printed, never read as markup
        console.print(f"columns not used: {', '.join(unused)}", markup=False, highlight=False)
    if result.error_file:
        console.print(f"rejected rows with reasons: {result.error_file}", markup=False)
    typer.echo(
        json.dumps(
            {
                "import_id": result.import_id,
                "imported": result.imported,
                "duplicates": result.duplicates,
                "errors": result.errors,
                "error_file": str(result.error_file) if result.error_file else None,
            }
        )
    )


@app.command("demo")
@reports_errors
def demo(
    seed: Annotated[int, typer.Option(help="random seed; the same seed gives the same data")] = 42,
    responses: Annotated[int, typer.Option(help="number of survey responses")] = 20_000,
    feedback_items: Annotated[
        int, typer.Option("--feedback", help="number of feedback items")
    ] = 10_000,
    admin_email: Annotated[str, typer.Option(help="admin login to create")] = "admin@example.com",
    admin_password: Annotated[str, typer.Option(help="admin password to set")] = "manyi-demo",
) -> None:
    """Load the demo data set (Anxin Home Services) into the database; idempotent."""
    from manyi.demo.load import load_demo
    from manyi.jobs.queue import build_queue

    settings = load_settings()
    db = open_migrated_database(settings)
    queue = build_queue(settings, db)
    with _progress() as bar:
        task = bar.add_task("loading demo data", total=None)

        def report(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        summary = load_demo(
            db,
            seed=seed,
            n_responses=responses,
            n_feedback=feedback_items,
            admin_email=admin_email,
            admin_password=admin_password,
            progress=report,
            enqueue=queue.enqueue_enrichment,
        )
    console.print(summary.describe())


@app.command("worker")
@reports_errors
def worker(
    workers: Annotated[int, typer.Option(help="worker threads")] = 1,
    once: Annotated[
        bool, typer.Option("--once", help="enrich everything pending now, then exit")
    ] = False,
) -> None:
    """Run background jobs (text enrichment) from the queue: SQLite by default, Redis with MANYI_REDIS_URL."""
    from manyi.enrichment.service import enrich_pending
    from manyi.jobs.queue import build_queue

    settings = load_settings()
    db = open_migrated_database(settings)
    if once:
        run = enrich_pending(db)
        console.print(
            f"enriched {run.feedback_items} feedback items and {run.open_answers} open answers "
            f"({run.errors} errors; version {run.version})"
        )
        return
    queue = build_queue(settings, db)
    console.print(f"manyi worker: {workers} thread(s), queue on {queue.backend}; Ctrl-C stops")
    queue.huey.create_consumer(workers=workers, worker_type="thread", periodic=True).run()


@app.command("serve")
@reports_errors
def serve(
    host: Annotated[str | None, typer.Option(help="address to listen on (MANYI_HOST)")] = None,
    port: Annotated[int | None, typer.Option(help="port (MANYI_PORT)")] = None,
    worker: Annotated[
        bool,
        typer.Option("--worker/--no-worker", help="also run the background jobs in this process"),
    ] = True,
) -> None:
    """Serve the web app and the API (SQLite file by default), with an in-process job worker."""
    import uvicorn

    from manyi.app import create_app
    from manyi.jobs.queue import build_queue

    settings = load_settings()
    db = open_migrated_database(settings)
    queue = build_queue(settings, db)
    host = host or settings.host
    port = port or settings.port
    consumer = None
    if worker:
        # One machine: the queue's consumer runs beside the web server (architecture.md);
        # with several machines, run `manyi serve --no-worker` and `manyi worker` apart.
        consumer = queue.huey.create_consumer(workers=1, worker_type="thread", periodic=True)
        consumer.start()
        console.print(f"background jobs: in this process (queue on {queue.backend})")
    console.print(  # one line, however narrow the terminal: the URLs must stay whole
        f"manyi is serving on http://{host}:{port}  (API docs: http://{host}:{port}/docs)",
        soft_wrap=True,
    )
    try:
        uvicorn.run(create_app(settings, db, queue), host=host, port=port, log_level="info")
    finally:
        if consumer is not None:
            consumer.stop(graceful=True)


if __name__ == "__main__":  # pragma: no cover
    app()
