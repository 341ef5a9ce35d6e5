"""Ordinary calls of the official Python client, made against Elasticsearch directly and through
the pixrank sidecar's front, answers compared. One line per call (equal / different), then a JSON
summary line; exit code 1 when any call differs.

Environment: DIRECT_URL (and DIRECT_USERNAME/DIRECT_PASSWORD or DIRECT_API_KEY when the cluster is
secured), FRONT_URL, INDEX (a photos alias), SAMPLE_ID (a photo id), SAMPLE_WORD (a word of a
description), USER_ID (a user with feedback, for ext.personalize).
"""

import json
import os
import sys

from elasticsearch import ApiError, Elasticsearch, helpers

def direct_auth():
    """The cluster's credentials for the direct side, when it has some (the front adds the sidecar's own)."""
    if os.environ.get("DIRECT_API_KEY"):
        return {"api_key": os.environ["DIRECT_API_KEY"]}
    if os.environ.get("DIRECT_USERNAME"):
        return {"basic_auth": (os.environ["DIRECT_USERNAME"], os.environ.get("DIRECT_PASSWORD", ""))}
    return {}


DIRECT = Elasticsearch(os.environ["DIRECT_URL"], request_timeout=30, **direct_auth())
FRONT = Elasticsearch(os.environ["FRONT_URL"], request_timeout=30)
INDEX = os.environ["INDEX"]
SAMPLE_ID = os.environ["SAMPLE_ID"]
QUERY = {"match": {"description": os.environ["SAMPLE_WORD"]}}
USER = os.environ["USER_ID"]
VOLATILE = {"took", "_scroll_id", "pit_id"}


def comparable(value):
    """What two equal answers differ in left out: time taken, scroll and point-in-time ids."""
    if isinstance(value, list):
        return [comparable(v) for v in value]
    if isinstance(value, dict):
        return {k: comparable(v) for k, v in value.items() if k not in VOLATILE}
    return value


def outcome(call, es):
    try:
        answer = call(es)
        body = getattr(answer, "body", answer)
        return {"ok": comparable(body)}
    except ApiError as error:
        kind = error.body.get("error", {}).get("type") if isinstance(error.body, dict) and isinstance(error.body.get("error"), dict) else error.body
        return {"error": {"status": error.meta.status, "type": kind}}


def scan_ids(es):
    return sorted(hit["_id"] for hit in helpers.scan(es, index=INDEX, query={"query": {"match_all": {}}}, size=17, scroll="30s", _source=False))


def pit_pages(es):
    pit = es.open_point_in_time(index=INDEX, keep_alive="30s")
    ids, after = [], None
    while True:
        extra = {"search_after": after} if after else {}
        page = es.search(pit={"id": pit["id"], "keep_alive": "30s"}, size=25, sort=[{"photo_id": "asc"}], source=False, **extra)
        hits = page["hits"]["hits"]
        if not hits:
            break
        ids.extend(h["_id"] for h in hits)
        after = hits[-1]["sort"]
    closed = es.close_point_in_time(id=pit["id"]).body
    return {"ids": ids, "closed": closed}


CALLS = [
    ("info (GET /)", lambda es: es.info()),
    ("ping (HEAD /)", lambda es: es.ping()),
    ("cluster.health", lambda es: es.cluster.health(index=INDEX)["status"]),
    ("search", lambda es: es.search(index=INDEX, query=QUERY, size=10, source=["photo_id", "description"])),
    ("search (sort, aggregation, track_total_hits)", lambda es: es.search(index=INDEX, size=5, sort=[{"photo_id": "asc"}], track_total_hits=True, aggs={"countries": {"terms": {"field": "location.country", "size": 5}}})),
    ("search (index pattern)", lambda es: es.search(index=f"{INDEX}-v*", query=QUERY, size=5, source=False)),
    ("msearch", lambda es: es.msearch(searches=[{"index": INDEX}, {"query": QUERY, "size": 3}, {"index": INDEX}, {"query": {"match_all": {}}, "size": 2, "sort": [{"photo_id": "desc"}]}])),
    ("count", lambda es: es.count(index=INDEX)),
    ("count (query)", lambda es: es.count(index=INDEX, query=QUERY)),
    ("get", lambda es: es.get(index=INDEX, id=SAMPLE_ID, source_excludes=["clip_embedding"])),
    ("get (missing: 404)", lambda es: es.get(index=INDEX, id="no-such-photo")),
    ("exists", lambda es: es.exists(index=INDEX, id=SAMPLE_ID).body),
    ("mget", lambda es: es.mget(index=INDEX, ids=[SAMPLE_ID, "no-such-photo"], source=["photo_id"])),
    ("field_caps", lambda es: es.field_caps(index=INDEX, fields=["photo_id", "description", "location.*"])),
    ("indices.get_mapping", lambda es: es.indices.get_mapping(index=INDEX)),
    ("indices.exists", lambda es: es.indices.exists(index=INDEX).body),
    ("indices.resolve_index", lambda es: es.indices.resolve_index(name=f"{INDEX}*")),
    ("explain", lambda es: es.explain(index=INDEX, id=SAMPLE_ID, query=QUERY)),
    ("search (malformed query: 400)", lambda es: es.search(index=INDEX, query={"no_such_query": {}})),
    ("search (missing index: 404)", lambda es: es.search(index="no-such-index-anywhere", query={"match_all": {}})),
    ("helpers.scan (the whole index)", scan_ids),
    ("point in time (open, search_after pages, close)", pit_pages),
]


def personalized_msearch():
    """msearch with ext.personalize through the front: Elasticsearch's hits, re-ordered as _search with it orders them."""
    plain = {"query": {"match_all": {}}, "size": 30}
    personal = dict(plain, ext={"personalize": {"user": USER}})
    direct = DIRECT.msearch(searches=[{"index": INDEX}, plain])["responses"][0]["hits"]["hits"]
    front = FRONT.msearch(searches=[{"index": INDEX}, personal, {"index": INDEX}, plain])["responses"]
    single = FRONT.search(index=INDEX, **personal)["hits"]["hits"]
    ids = lambda hits: [h["_id"] for h in hits]
    checks = {
        "same hits as Elasticsearch": sorted(ids(front[0]["hits"]["hits"])) == sorted(ids(direct)),
        "same order as _search with ext.personalize": ids(front[0]["hits"]["hits"]) == ids(single),
        "re-ranked (scores no longer all equal)": len({h["_score"] for h in front[0]["hits"]["hits"]}) > 1,
        "the search without ext is Elasticsearch's": comparable(front[1]["hits"]["hits"]) == comparable(direct),
    }
    return all(checks.values()), checks


def refused_write():
    """A write through the read-only front: 403 naming the flag that allows it; nothing written."""
    try:
        FRONT.index(index=INDEX, id="written-through-the-front", document={"photo_id": "x"})
        return False, "the write was accepted"
    except ApiError as error:
        reason = error.body.get("error", {}).get("reason", "") if isinstance(error.body, dict) else str(error.body)
        exists = DIRECT.exists(index=INDEX, id="written-through-the-front").body
        return error.meta.status == 403 and "--es-proxy-writes" in reason and not exists, f"{error.meta.status}: {reason[:90]}"


def main():
    rows = []
    for name, call in CALLS:
        direct, front = outcome(call, DIRECT), outcome(call, FRONT)
        same = direct == front
        rows.append({"call": name, "result": "equal" if same else "different", "answer": "error " + str(direct["error"]["status"]) if "error" in direct else "ok"})
        if not same:
            print(f"  direct: {json.dumps(direct)[:300]}\n  front:  {json.dumps(front)[:300]}", file=sys.stderr)
    ok, checks = personalized_msearch()
    rows.append({"call": "msearch with ext.personalize (front only)", "result": "equal" if ok else "different", "answer": ", ".join(k for k, v in checks.items() if v)})
    ok, said = refused_write()
    rows.append({"call": "index (a write; read-only front)", "result": "refused" if ok else "different", "answer": said})
    for row in rows:
        print(f"{row['result']:<9} {row['call']:<50} {row['answer']}")
    different = [row["call"] for row in rows if row["result"] == "different"]
    print(json.dumps({"client": "elasticsearch-py", "checked": len(rows), "equal": sum(r["result"] == "equal" for r in rows), "refused": sum(r["result"] == "refused" for r in rows), "different": different}))
    sys.exit(1 if different else 0)


if __name__ == "__main__":
    main()
