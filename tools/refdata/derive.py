#!/usr/bin/env python3
"""Derive the compact reference CSVs embedded in warehouse/Reference/data from ../shared/data/adminunits.

Usage (from the repo root):  python3 tools/refdata/derive.py [ADMINUNITS_DIR]
Standard library only, no network. Output is deterministic (sorted rows, LF line endings, minimal quoting).
What each file holds and why: docs/reference-data.md. Sources and licences: THIRD-PARTY-NOTICES.md.
"""
from __future__ import annotations

import bisect
import collections
import csv
import io
import json
import re
import sys
import unicodedata
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEFAULT_SRC = REPO / ".." / "shared" / "data" / "adminunits"
OUT = REPO / "warehouse" / "Reference" / "data"
DOCS = REPO / "docs" / "reference-data.md"

REFORM = "2025-07-01"
# Start of the 63-province structure (Hà Tây merged into Hà Nội, NQ 15/2008/QH12). The legacy list is a
# snapshot of early 2025 without creation dates, so this is a lower bound, not each unit's real start.
LEGACY_FROM = "2008-08-01"
FALLBACK_DONG_NAI_DATE = "2026-07-01"

# 1027/CTK-CSCL (and dvhcvn mapping) codes that thanglequoc (GSO API) gives differently; thanglequoc wins.
NEW_CODE_FIX = {"06970": "06978", "23737": "23938"}

HEADER_UNITS = ["level", "code", "parent_code", "province_code", "name", "full_name", "unit_type", "valid_from", "valid_to"]
LEVEL_RANK = {"province": 0, "district": 1, "commune": 2}

PREFIXES_LEGACY = ["Thành phố", "Thị trấn", "Thị xã", "Quận", "Huyện", "Xã", "Phường", "Tỉnh"]
PREFIXES_2025 = ["Thành phố", "Đặc khu", "Xã", "Phường", "Tỉnh"]

TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}  # huyền, sắc, ngã, hỏi, nặng


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", " ".join(s.split()))


def canon_syllable(word: str) -> str:
    """Move the tone mark to the end of the syllable, so 'Hòa' and 'Hoà', 'Thụy' and 'Thuỵ' compare equal."""
    d = unicodedata.normalize("NFD", word)
    tones = "".join(c for c in d if c in TONE_MARKS)
    return unicodedata.normalize("NFC", "".join(c for c in d if c not in TONE_MARKS)) + tones


def name_key(s: str) -> str:
    """Join key for unit names: NFC, lower case, apostrophes unified, tone placement canonicalised."""
    s = nfc(s).lower()
    for a in "\u2019\u2018`\u02bc":
        s = s.replace(a, "'")
    return " ".join(canon_syllable(w) for w in s.split())


def split_type(full: str, prefixes: list[str]) -> tuple[str, str]:
    for p in prefixes:
        if full.lower().startswith(p.lower() + " "):
            return p, full[len(p) + 1:].strip()
    raise ValueError(f"no unit-type prefix in {full!r}")


def load_json(path: Path):
    with path.open(encoding="utf-8") as f:
        return json.load(f)


def write_csv(name: str, header: list[str], rows: list[list[str]]) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(header)
    w.writerows(rows)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / name).write_bytes(buf.getvalue().encode("utf-8"))


def sort_units(rows: list[list[str]]) -> list[list[str]]:
    return sorted(rows, key=lambda r: (LEVEL_RANK[r[0]], r[1], r[7]))


class Report:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def __call__(self, msg: str) -> None:
        print(msg)
        self.lines.append(msg)


def dong_nai_change_date(src: Path, say: Report) -> tuple[str, str]:
    """Effective date of NQ 30/2026/QH16 (Đồng Nai becomes a city), from the sapnhap.bando text if present."""
    sql = (src / "thanglequoc" / "sapnhapbando_geo_objects.sql").read_text(encoding="utf-8")
    for line in sql.splitlines():
        if line.strip().startswith("('75',") and "Thành phố Đồng Nai" in line:
            m = re.search(r"Từ ngày\s*(\d{1,2})%?/(\d{1,2})%?/(\d{4})", line)
            if m:
                d, mo, y = (int(x) for x in m.groups())
                quote = m.group(0).replace("%", "")
                return f"{y:04d}-{mo:02d}-{d:02d}", f"thanglequoc/sapnhapbando_geo_objects.sql, province 75: \"{quote}\""
    say(f"WARNING: no effective date for Đồng Nai city found; using {FALLBACK_DONG_NAI_DATE}")
    return FALLBACK_DONG_NAI_DATE, "not found in the data; fallback"


def read_1027(src: Path) -> dict[str, str]:
    """GSO commune list 1027/CTK-CSCL (markdown from PDF): code -> full name with type prefix."""
    out: dict[str, str] = {}
    for line in (src / "dvhcvn-20250701" / "1027_CTK-CSCL.md").read_text(encoding="utf-8").splitlines():
        if not line.startswith("|"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and re.fullmatch(r"\d{5}", cells[1]):
            out[cells[1]] = nfc(cells[2].replace("<br>", " "))
    return out


def read_915(src: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    with (src / "dvhcvn-20250701" / "915_CTK-CSCL.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            name = nfc(row["Tên 34 tỉnh sau sáp nhập"])
            out[row["Mã số"].strip()] = name if name.startswith("Thành phố ") else "Tỉnh " + name
    return out


def derive_2025(src: Path, say: Report):
    cur = load_json(src / "thanglequoc" / "current_34prov_3321wards_full.json")
    g1027 = {NEW_CODE_FIX.get(c, c): n for c, n in read_1027(src).items()}
    g915 = read_915(src)
    change_date, change_src = dong_nai_change_date(src, say)

    rows: list[list[str]] = []
    communes: dict[str, dict] = {}
    changed: list[str] = []
    case_fixed: list[str] = []
    ortho_only = 0

    def emit(level, code, parent, prov, name, full, utype, old_full):
        nonlocal ortho_only
        old_type, old_name = split_type(old_full, PREFIXES_2025)
        if old_type == utype and name_key(old_name) == name_key(name):
            if old_full != full:
                ortho_only += 1  # e.g. 'Hòa' vs 'Hoà': spelling convention, not a change
            rows.append([level, code, parent, prov, name, full, utype, REFORM, ""])
            return
        changed.append(f"{code} {old_full} -> {full}")
        rows.append([level, code, parent, prov, old_name, f"{old_type} {old_name}", old_type, REFORM, change_date])
        rows.append([level, code, parent, prov, name, full, utype, change_date, ""])

    for p in cur:
        pcode = p["Code"]
        ptype, pname = nfc(p["AdministrativeUnitShortName"]), nfc(p["Name"])
        emit("province", pcode, "", pcode, pname, f"{ptype} {pname}", ptype, g915[pcode])
        for w in p["Wards"]:
            code, wtype, wname = w["Code"], nfc(w["AdministrativeUnitShortName"]), nfc(w["Name"])
            full = f"{wtype} {wname}"
            if full != nfc(w["FullName"]):
                case_fixed.append(f"{code} {w['FullName']!r} -> {full!r}")
            assert w["ProvinceCode"] == pcode
            communes[code] = {"province": pcode, "name": wname, "type": wtype}
            emit("commune", code, pcode, pcode, wname, full, wtype, g1027[code])

    missing_1027 = sorted(set(communes) - set(g1027))
    extra_1027 = sorted(set(g1027) - set(communes))
    say(f"units_2025: {len(cur)} provinces, {len(communes)} communes, {len(rows)} rows")
    say(f"  types now: {dict(sorted(collections.Counter(c['type'] for c in communes.values()).items()))}")
    say(f"  effective-dated changes ({len(changed)}), change date {change_date} [{change_src}]:")
    for c in changed:
        say(f"    {c}")
    say(f"  1027/915 names differing only in tone-mark placement or case (kept as one row): {ortho_only}")
    say(f"  thanglequoc FullName rebuilt as type + name: {case_fixed}")
    say(f"  codes in thanglequoc not in 1027 (after fix {NEW_CODE_FIX}): {missing_1027}; in 1027 only: {extra_1027}")
    write_csv("units_2025.csv", HEADER_UNITS, sort_units(rows))
    return communes, {p["Code"] for p in cur}, change_date, change_src


def derive_legacy(src: Path, splits: dict, merges_new: dict, say: Report):
    leg = load_json(src / "thanglequoc" / "v2.4.1_pre_reform_63prov_696dist_simplified.json")
    rows: list[list[str]] = []
    commune_district: dict[str, str] = {}
    district_province: dict[str, str] = {}
    n_prov = n_dist = n_comm = 0
    for p in leg:
        pcode = p["Code"]
        t, n = split_type(nfc(p["FullName"]), PREFIXES_LEGACY)
        rows.append(["province", pcode, "", pcode, nfc(p["Name"]), nfc(p["FullName"]), t, LEGACY_FROM, REFORM])
        n_prov += 1
        for d in p["District"]:
            t, n = split_type(nfc(d["FullName"]), PREFIXES_LEGACY)
            rows.append(["district", d["Code"], pcode, pcode, nfc(d["Name"]), nfc(d["FullName"]), t, LEGACY_FROM, REFORM])
            district_province[d["Code"]] = pcode
            n_dist += 1
            for w in d.get("Ward") or []:
                t, n = split_type(nfc(w["FullName"]), PREFIXES_LEGACY)
                assert w["DistrictCode"] == d["Code"]
                rows.append(["commune", w["Code"], d["Code"], pcode, nfc(w["Name"]), nfc(w["FullName"]), t, LEGACY_FROM, REFORM])
                commune_district[w["Code"]] = d["Code"]
                n_comm += 1
    say(f"units_legacy (thanglequoc v2.4.1): {n_prov} provinces, {n_dist} districts, {n_comm} communes")

    # Old communes that dvhcvn knows but the thanglequoc list does not. Their district is taken as determined
    # only when (a) both neighbouring legacy codes belong to one district of the same province and (b) the new
    # commune they merge into also takes in a legacy commune of that district.
    codes = sorted(commune_district)
    missing = sorted(set(splits) - set(commune_district))
    added, unresolved = [], []
    for o in missing:
        prov, full, news = splits[o]
        i = bisect.bisect(codes, o)
        lo = codes[i - 1] if i > 0 else None
        hi = codes[i] if i < len(codes) else None
        dist = commune_district.get(lo) if lo and hi and commune_district[lo] == commune_district[hi] else None
        siblings = {commune_district.get(x) for n in news for x in merges_new.get(n, ()) if x != o}
        if dist and district_province[dist] == prov and dist in siblings:
            t, n = split_type(full, PREFIXES_LEGACY)
            rows.append(["commune", o, dist, prov, n, f"{t} {n}", t, LEGACY_FROM, REFORM])
            commune_district[o] = dist
            added.append(f"{o} {full} (district {dist}; -> {','.join(news)})")
        else:
            unresolved.append(f"{o} {full} (province {prov}; -> {','.join(news)})")
    say(f"  old communes in dvhcvn splits but not in thanglequoc legacy: {len(missing)}; "
        f"added with inferred district: {len(added)}; unresolved: {len(unresolved)}")
    for a in added:
        say(f"    added {a}")
    for u in unresolved:
        say(f"    NOT added {u}")
    write_csv("units_legacy.csv", HEADER_UNITS, sort_units(rows))
    say(f"  units_legacy rows: {len(rows)}")
    return commune_district, leg


def read_dvhcvn(src: Path):
    s = load_json(src / "dvhcvn-20250701" / "splits_old_to_new.json")["data"]
    m = load_json(src / "dvhcvn-20250701" / "merges_new_to_old.json")["data"]
    splits = {}  # old 5-digit code -> (old province, old full name, [new codes])
    district_splits = {}
    for p in s:
        for c in p["level3s"]:
            splits[c["level3_id"]] = (p["level1_id"], nfc(c["name"]),
                                      sorted({NEW_CODE_FIX.get(x["new_id"], x["new_id"]) for x in c["splits"]}))
        for c in p.get("level2s", []):
            district_splits[c["level2_id"]] = (nfc(c["name"]), [NEW_CODE_FIX.get(x["new_id"], x["new_id"]) for x in c["splits"]])
    merges = {}  # (old, new) -> type
    merges_new: dict[str, list[str]] = collections.defaultdict(list)
    for p in m:
        for c in p["level2s"]:
            new = NEW_CODE_FIX.get(c["level2_id"], c["level2_id"])
            for x in c["merges"]:
                merges[(x["old_id"], new)] = x["type"]
                merges_new[new].append(x["old_id"])
    return splits, district_splits, merges, merges_new


def bando_before_merger(src: Path) -> dict[str, str]:
    """GSO code -> official 'before merger' text from sapnhap.bando (used only to validate the name join)."""
    sql = (src / "thanglequoc" / "sapnhapbando_geo_objects.sql").read_text(encoding="utf-8")
    return {m.group(1): m.group(2).replace("''", "'")
            for m in re.finditer(r"\('(\d{5})', '(?:[^']|'')*', '\d\d', '[^']*', '((?:[^']|'')*)'", sql)}


def derive_population(src: Path, communes: dict[str, dict], say: Report) -> dict[str, int]:
    by_prov: dict[str, dict[str, str]] = collections.defaultdict(dict)
    for code, c in communes.items():
        k = name_key(c["name"])
        assert k not in by_prov[c["province"]], f"ambiguous name {c['name']} in {c['province']}"
        by_prov[c["province"]][k] = code

    wards_dir = src / "vietnam-3d-map" / "wards-metadata"
    files = sorted((p for p in wards_dir.glob("*.json") if p.stem.isdigit()), key=lambda p: int(p.stem))
    pop: dict[str, int] = {}
    matched: dict[str, str] = {}
    unmatched: list[str] = []
    no_pop: list[str] = []
    apostrophe_only = 0
    before = bando_before_merger(src)
    same_before = 0
    file_province: dict[int, str] = {}
    for f in files:
        data = load_json(f)
        wards = data["wards"]
        keys = [name_key(w["name"]) for w in wards]
        score = {pc: sum(k in names for k in keys) for pc, names in by_prov.items()}
        best = max(score, key=lambda pc: (score[pc], pc))
        assert score[best] > len(keys) / 2, f"{f.name}: no province matches most wards"
        file_province[int(f.stem)] = best
        for w, k in zip(wards, keys):
            code = by_prov[best].get(k)
            if code is None:
                unmatched.append(f"{f.name} {w['name']}")
                continue
            assert code not in matched, f"{code} matched twice"
            matched[code] = f"{f.name}#{w['id']}"
            same_before += name_key(w.get("beforeMerger") or "") == name_key(before.get(code, "-"))
            loose = nfc(w["name"]).lower()
            if loose != nfc(communes[code]["name"]).lower() and name_key(loose) == name_key(communes[code]["name"]):
                if re.sub(r"[\u2019\u2018'`\u02bc]", "'", loose) == re.sub(r"[\u2019\u2018'`\u02bc]", "'", communes[code]["name"].lower()):
                    apostrophe_only += 1
            p = w.get("population")
            if isinstance(p, (int, float)) and p > 0:
                pop[code] = int(p)
            else:
                no_pop.append(code)
    assert len(set(file_province.values())) == len(file_province), "two ward files inferred to one province"
    never = sorted(set(communes) - set(matched))
    say(f"population_2025: {sum(len(load_json(f)['wards']) for f in files)} wards in {len(files)} files; "
        f"matched {len(matched)}/{len(communes)} communes; unmatched wards {len(unmatched)}; "
        f"communes never matched {len(never)}")
    say(f"  of the matches, {apostrophe_only} differ only by apostrophe style; tone-mark placement (Hòa/Hoà) is "
        f"also normalised")
    say(f"  validation: for {same_before}/{len(matched)} matches the ward's beforeMerger text equals the "
        f"sapnhap.bando text of the matched GSO code (the rest differ in wording only, checked by hand)")
    say(f"  matched without population (0 or missing): {len(no_pop)}; rows written: {len(pop)}; "
        f"total population {sum(pop.values()):,}")
    say(f"  ward file -> inferred GSO province: {file_province}")
    for u in unmatched:
        say(f"    unmatched ward {u}")
    for n in never:
        say(f"    commune without a ward record {n} {communes[n]['name']}")
    write_csv("population_2025.csv", ["ward_code", "year", "population"],
              [[c, "2025", str(pop[c])] for c in sorted(pop)])
    return pop


def derive_bridge(splits, district_splits, merges, communes, legacy_communes, pop, say: Report):
    links_s = {(o, n) for o, (_, _, news) in splits.items() for n in news}
    links_m = set(merges)
    only_m = sorted(links_m - links_s)
    only_s = sorted(links_s - links_m)
    say(f"bridge: splits give {len(links_s)} commune links, merges {len(links_m)}; "
        f"only in merges: {only_m}; only in splits: {only_s}")
    for d, (name, news) in sorted(district_splits.items()):
        say(f"  legacy district without communes {d} {name} -> {news} (district level: not in bridge.csv)")
    type_mismatch = [(o, n, t) for (o, n), t in merges.items()
                     if o in splits and (t == "full") != (len(splits[o][2]) == 1)]
    say(f"  merges type vs split count disagreements: {len(type_mismatch)} {type_mismatch[:10]}")

    rows = []
    equal_share = []
    for o in sorted(splits):
        news = splits[o][2]
        if len(news) == 1:
            rows.append([o, news[0], "full", "1.000000"])
            continue
        if all(n in pop for n in news):
            weights = [pop[n] for n in news]
        else:
            weights = [1] * len(news)
            equal_share.append(o)
        total = sum(weights)
        # Largest-remainder rounding to millionths, so the printed weights sum to exactly 1 per old code.
        raw = [w * 1_000_000 / total for w in weights]
        micro = [int(r) for r in raw]
        for i in sorted(range(len(raw)), key=lambda i: (micro[i] - raw[i], news[i]))[: 1_000_000 - sum(micro)]:
            micro[i] += 1
        for n, u in zip(news, micro):
            rows.append([o, n, "partial", f"{u // 1_000_000}.{u % 1_000_000:06d}"])
    new_missing = sorted({r[1] for r in rows} - set(communes))
    old_missing = sorted({r[0] for r in rows} - set(legacy_communes))
    new_uncovered = sorted(set(communes) - {r[1] for r in rows})
    n_partial_old = len({r[0] for r in rows if r[2] == "partial"})
    say(f"  rows {len(rows)}: full {sum(r[2] == 'full' for r in rows)}, partial {sum(r[2] == 'partial' for r in rows)} "
        f"from {n_partial_old} split old communes; equal shares (a new commune lacks population): {len(equal_share)} {equal_share}")
    say(f"  new_code not in units_2025: {new_missing}; old_code not in units_legacy: {old_missing}")
    say(f"  units_2025 communes with no bridge row: {len(new_uncovered)} {new_uncovered}")
    write_csv("bridge.csv", ["old_code", "new_code", "link", "weight"], rows)


def update_docs(report: Report) -> None:
    """Refresh the generated statistics block of docs/reference-data.md, if the file has the markers."""
    if not DOCS.exists():
        return
    text = DOCS.read_text(encoding="utf-8")
    start, end = "<!-- derive.py:begin -->", "<!-- derive.py:end -->"
    if start not in text or end not in text:
        return
    block = start + "\n```text\n" + "\n".join(report.lines) + "\n```\n" + end
    DOCS.write_text(text[: text.index(start)] + block + text[text.index(end) + len(end):], encoding="utf-8")


def main(argv: list[str]) -> int:
    src = Path(argv[1]) if len(argv) > 1 else DEFAULT_SRC
    if not src.is_absolute() and not src.exists():
        src = REPO / src
    src = src.resolve()
    if not (src / "SOURCE.txt").exists():
        print(f"not an adminunits directory: {src}", file=sys.stderr)
        return 2
    say = Report()
    communes, provinces, _, _ = derive_2025(src, say)
    splits, district_splits, merges, merges_new = read_dvhcvn(src)
    legacy_communes, _ = derive_legacy(src, splits, merges_new, say)
    pop = derive_population(src, communes, say)
    derive_bridge(splits, district_splits, merges, communes, legacy_communes, pop, say)
    sizes = {p.name: p.stat().st_size for p in sorted(OUT.glob("*.csv"))}
    say(f"files: {sizes}; total {sum(sizes.values()):,} bytes")
    update_docs(say)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
