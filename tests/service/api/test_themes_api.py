"""The label set through the API: GET /v1/themes, and the write endpoints behind the token."""

import pytest

from service.api.app import create_app
from tests.service.api.test_rest import post

AUTH = {"Authorization": "Bearer t0ken"}


@pytest.fixture
def client(tmp_path):
    return create_app({"TESTING": True, "TOKEN": "t0ken", "DB_PATH": str(tmp_path / "z.db")}).test_client()


def test_themes_are_added_renamed_and_removed_with_clear_errors(client):
    themes = client.get("/v1/themes").get_json()
    assert [t["id"] for t in themes["themes"]] == [t["id"] for t in themes["next"]] == ["talent", "investment", "energy", "agriculture", "other"]

    assert post(client, "/v1/themes", {"id": "technology", "name_zh": "科技创新"}).status_code == 401
    added = post(client, "/v1/themes", {"id": "technology", "name_zh": "科技创新", "terms": ["研发", "专利"]}, headers=AUTH)
    assert added.status_code == 201
    assert added.get_json()["themes"][-2] == {"id": "technology", "name_zh": "科技创新", "description": "", "terms": ["研发", "专利"]}
    for body, code, field in (
        ({"id": "Tech", "name_zh": "科技"}, "invalid_value", "id"),
        ({"id": "tech"}, "missing_field", "name_zh"),
        ({"id": "tech", "name_zh": "科技", "terms": "研发"}, "wrong_type", "terms"),
        ({"id": "tech", "name_zh": "科技", "terms": ["研 发"]}, "invalid_value", "terms"),
    ):
        answer = post(client, "/v1/themes", body, headers=AUTH)
        assert answer.status_code == 400 and answer.get_json()["error"]["code"] == code and answer.get_json()["error"]["field"] == field, body

    example = {"id": "t1", "text": "联合实验室揭牌，研发投入8600万元。", "label": "technology"}
    assert post(client, "/v1/examples", example, headers=AUTH).status_code == 201
    taken = post(client, "/v1/feedback", {"id": "t1", "text": "另一篇文章。", "label": "other"}, headers=AUTH)  # the id of an example added otherwise
    assert taken.status_code == 400 and taken.get_json()["error"]["code"] == "invalid_value"
    shipped = client.delete("/v1/themes/talent", headers=AUTH)
    assert shipped.status_code == 409 and "shipped label" in shipped.get_json()["error"]["message"]
    in_use = client.delete("/v1/themes/technology", headers=AUTH)
    assert in_use.status_code == 409 and in_use.get_json()["error"]["code"] == "conflict"
    assert client.delete("/v1/themes/nothing", headers=AUTH).get_json()["error"]["code"] == "not_found"
    renamed = post(client, "/v1/themes/technology/rename", {"id": "scitech"}, headers=AUTH)
    assert renamed.status_code == 200 and "scitech" in [t["id"] for t in renamed.get_json()["themes"]]
    assert post(client, "/v1/themes/scitech/rename", {"id": "talent"}, headers=AUTH).get_json()["error"]["code"] == "invalid_value"
    assert client.get("/v1/themes").get_json()["next"][-2]["id"] == "scitech"
    assert [t["id"] for t in client.get("/v1/themes").get_json()["themes"]][-2] == "agriculture"  # the served model is unchanged
    unknown = post(client, "/v1/examples", {**example, "id": "t2", "text": "另一篇。", "label": "ecology"}, headers=AUTH)
    assert unknown.status_code == 400 and "unknown label 'ecology'" in unknown.get_json()["error"]["message"]
