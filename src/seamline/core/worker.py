"""The background task worker (Django Tasks, database backend) as a thread of a server process.

`seamline demo` runs it inside the server's worker process, started from the ASGI lifespan: after granian
forks, so no thread is ever forked mid-flight (a fork copies locks held by other threads and can hang).
"""

import threading

from django_tasks_db.management.commands.db_worker import Worker

ENV_FLAG = "SEAMLINE_TASK_WORKER"


def start_worker_thread() -> threading.Thread:
    worker = Worker(
        queue_names=["*"],
        interval=1.0,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="inprocess",
        excluded_queue_names=[],
    )
    thread = threading.Thread(target=worker.run, name="seamline-task-worker", daemon=True)
    thread.start()
    return thread
