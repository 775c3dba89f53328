"""Training from an archive through the API: only archives under the server's DATA_DIR."""

import pytest

from service.api.app import create_app

AUTH = {"Authorization": "Bearer t0ken"}


@pytest.fixture
def app_for(tmp_path):
    def make(data_dir: str = ""):
        settings = {"TESTING": True, "TOKEN": "t0ken", "DB_PATH": str(tmp_path / "z.db"), "DATA_DIR": data_dir}
        return create_app(settings).test_client()

    return make


def test_without_a_data_dir_the_server_learns_from_no_archive(app_for):
    answer = app_for().post("/v1/train", json={"unlabeled": ["news.jsonl"]}, headers=AUTH)
    assert answer.status_code == 400
    error = answer.get_json()["error"]
    assert error["code"] == "invalid_value" and error["field"] == "unlabeled[0]" and "ZONEDIGEST_DATA_DIR" in error["message"]


@pytest.mark.parametrize(
    ("body", "field", "fragment"),
    [
        ({"unlabeled": ["../secret.jsonl"]}, "unlabeled[0]", "outside the server's data folder"),
        ({"unlabeled": ["/etc/passwd"]}, "unlabeled[0]", "outside the server's data folder"),
        ({"unlabeled": ["news.jsonl", "missing.jsonl"]}, "unlabeled[1]", "no 'missing.jsonl'"),
        ({"unlabeled": ["news.jsonl"], "exclude_ids": "../ids.txt"}, "exclude_ids", "outside"),
        ({"unlabeled": "news.jsonl"}, "unlabeled", ""),
    ],
)
def test_archive_paths_outside_the_data_dir_or_missing_are_refused(tmp_path, app_for, body, field, fragment):
    data = tmp_path / "data"
    data.mkdir()
    (data / "news.jsonl").write_text('{"id": "1", "text": "开发区签约"}\n', encoding="utf-8")
    (tmp_path / "secret.jsonl").write_text("{}", encoding="utf-8")
    answer = app_for(str(data)).post("/v1/train", json=body, headers=AUTH)
    assert answer.status_code == 400
    error = answer.get_json()["error"]
    assert error["field"] == field and fragment in error["message"]


def test_the_served_model_says_what_archive_it_learned_from(app_for):
    model = app_for().get("/v1/model").get_json()
    learned = model["unlabeled"]
    assert learned["articles_used"] > 30000 and learned["exclude_ids"]["file"] == "heldout_ids.txt"
    assert {f["file"] for f in learned["files"]} == {"archive_xwlb.jsonl.gz", "archive_rmrb.jsonl.gz"}
    assert all(v > 0 for v in learned["pseudo_labels"].values()) and model["command"].startswith("zonedigest train")
