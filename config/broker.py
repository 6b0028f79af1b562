"""Where Celery messages go: Redis when configured, otherwise an embedded broker.

The embedded default is kombu's filesystem transport: the web process writes messages
into a folder and a separate `celery worker` process consumes them, so tasks stay
asynchronous on a machine with no server installed (`make run`).
"""

from pathlib import Path


def broker_settings(redis_url: str, var_dir: Path) -> dict[str, object]:
    """Celery settings (lower-case names) for the broker and the result backend."""
    if redis_url:
        return {
            "broker_url": redis_url,
            "result_backend": redis_url,
            "broker_transport_options": {},
        }
    folder = var_dir / "broker"
    for name in ("queue", "control", "processed", "results"):
        (folder / name).mkdir(parents=True, exist_ok=True)
    return {
        "broker_url": "filesystem://",
        "result_backend": f"file://{folder / 'results'}",
        "broker_transport_options": {
            "data_folder_in": str(folder / "queue"),
            "data_folder_out": str(folder / "queue"),
            "control_folder": str(folder / "control"),
            "processed_folder": str(folder / "processed"),
            "store_processed": False,
        },
    }
