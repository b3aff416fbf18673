namespace HoSoSucKhoe.Warehouse.Loading;

/// <summary>
/// Staging → facts. Staging tables (stage_persons, …) live in the in-memory catalog; each fact statement gives the
/// snapshot's rows of one fact table, columns in the order of its stored table (<c>T_rows</c> after the bookkeeping
/// columns), and <see cref="FactHistory.Append"/> stores them inside the load transaction. $asof = as_of, $cs = code system.
/// Rules are those of docs/definitions.md; flag bits those of DqFlags.cs.
/// </summary>
static class LoadSql
{
    /// <summary>Communes of the snapshot's code system in force on as_of.</summary>
    public const string KnownWards = """
        CREATE OR REPLACE TEMP TABLE known_ward AS
        SELECT code FROM wh.main.dim_admin_unit
        WHERE code_system = $cs AND level = 'commune' AND valid_from <= $asof AND (valid_to IS NULL OR $asof < valid_to)
        """;

    public static readonly string Records = $"""
        WITH p AS (
            SELECT *,
                CASE WHEN birth_date IS NOT NULL
                     THEN year($asof::DATE) - year(birth_date)
                          - CASE WHEN month($asof::DATE) * 100 + day($asof::DATE) < month(birth_date) * 100 + day(birth_date) THEN 1 ELSE 0 END
                     ELSE year($asof::DATE) - birth_year END AS age
            FROM stage_persons),
        dup AS (SELECT citizen_key FROM p WHERE citizen_key IS NOT NULL GROUP BY 1 HAVING count(*) > 1),
        prob AS (
            SELECT name_key, birth_date, ward_code FROM p
            WHERE name_key IS NOT NULL AND birth_date IS NOT NULL
            GROUP BY ALL
            HAVING count(*) > 1 AND NOT (count(citizen_key) = count(*) AND count(DISTINCT citizen_key) = 1)),
        after_death AS (
            SELECT DISTINCT e.record_id FROM stage_encounters e JOIN p USING (record_id)
            WHERE p.death_date IS NOT NULL AND e.visit_time::DATE > p.death_date)
        SELECT p.record_id, p.citizen_id_kind, p.birth_year, p.birth_date,
               p.sex, p.ward_code, p.residence, p.created_date, p.updated_date, p.first_exam_date, p.verified, p.death_date,
               p.abo_group, p.rh, p.height_cm, p.weight_kg, p.hx_hypertension, p.hx_diabetes, p.hx_cardiovascular,
               p.smoking, p.alcohol, p.inactive, p.history_recorded, p.vaccination_recorded, p.pregnant,
               p.phone IS NOT NULL AND trim(p.phone) <> '',
               (CASE WHEN dup.citizen_key IS NOT NULL THEN {RecordDq.DuplicateCitizenId:D} ELSE 0 END)
             | (CASE WHEN p.citizen_key IS NULL AND p.age >= 18 THEN {RecordDq.MissingCitizenIdAdult:D} ELSE 0 END)
             | (CASE WHEN p.insurance_key IS NULL THEN {RecordDq.MissingInsurance:D} ELSE 0 END)
             | (CASE WHEN kw.code IS NULL THEN {RecordDq.UnknownWard:D} ELSE 0 END)
             | (CASE WHEN p.height_cm IS NOT NULL AND (p.height_cm < 30 OR p.height_cm > 250) THEN {RecordDq.ImplausibleHeight:D} ELSE 0 END)
             | (CASE WHEN p.weight_kg IS NOT NULL AND (p.weight_kg < 1 OR p.weight_kg > 300) THEN {RecordDq.ImplausibleWeight:D} ELSE 0 END)
             | (CASE WHEN p.age < 0 OR p.age > 120 OR coalesce(p.birth_date > $asof::DATE, false) THEN {RecordDq.ImplausibleBirth:D} ELSE 0 END)
             | (CASE WHEN ad.record_id IS NOT NULL THEN {RecordDq.VisitAfterDeath:D} ELSE 0 END)
             | (CASE WHEN prob.name_key IS NOT NULL THEN {RecordDq.ProbableDuplicate:D} ELSE 0 END)
             | (CASE WHEN p.citizen_id_kind = 0 THEN {RecordDq.MalformedCitizenId:D} ELSE 0 END),
               p.name_key IS NOT NULL
        FROM p
        LEFT JOIN dup USING (citizen_key)
        LEFT JOIN known_ward kw ON kw.code = p.ward_code
        LEFT JOIN after_death ad USING (record_id)
        LEFT JOIN prob ON prob.name_key = p.name_key AND prob.birth_date = p.birth_date AND prob.ward_code = p.ward_code
        """;

    public const string Keys = """
        SELECT record_id, citizen_key, insurance_key, name_key FROM stage_persons
        """;

    public const string Identities = """
        SELECT record_id, full_name, phone FROM stage_persons
        """;

    public static readonly string Encounters = $"""
        WITH icd_codes AS (
            -- the three-character category of every ';'-separated code, matched against dim_icd_group
            SELECT icd_main, icd_other,
                   list_transform(string_split(coalesce(icd_main, '') || ';' || coalesce(icd_other, ''), ';'),
                                  x -> left(regexp_replace(x, '^\s+', ''), 3)) AS codes
            FROM (SELECT DISTINCT icd_main, icd_other FROM stage_encounters)),
        icd AS (
            SELECT icd_main, icd_other,
                   list_has_any(codes, (SELECT list(icd3) FROM wh.main.dim_icd_group WHERE group_code = 'hypertension')) AS htn,
                   list_has_any(codes, (SELECT list(icd3) FROM wh.main.dim_icd_group WHERE group_code = 'diabetes')) AS dm
            FROM icd_codes)
        SELECT e.encounter_id, e.record_id, e.facility_code, e.visit_time::TIMESTAMP, e.visit_time::DATE, e.kind,
               e.icd_main, e.icd_other, icd.htn, icd.dm,
               e.systolic, e.diastolic, e.height_cm, e.weight_kg, e.waist_cm,
               (CASE WHEN e.systolic IS NOT NULL AND (e.systolic < 60 OR e.systolic > 300 OR e.systolic <= coalesce(e.diastolic, -1)) THEN {EncounterDq.ImplausibleSystolic:D} ELSE 0 END)
             | (CASE WHEN e.diastolic IS NOT NULL AND (e.diastolic < 30 OR e.diastolic > 200) THEN {EncounterDq.ImplausibleDiastolic:D} ELSE 0 END)
             | (CASE WHEN e.height_cm IS NOT NULL AND (e.height_cm < 30 OR e.height_cm > 250) THEN {EncounterDq.ImplausibleHeight:D} ELSE 0 END)
             | (CASE WHEN e.weight_kg IS NOT NULL AND (e.weight_kg < 1 OR e.weight_kg > 300) THEN {EncounterDq.ImplausibleWeight:D} ELSE 0 END)
             | (CASE WHEN p.death_date IS NOT NULL AND e.visit_time::DATE > p.death_date THEN {EncounterDq.AfterDeath:D} ELSE 0 END)
        FROM stage_encounters e JOIN stage_persons p USING (record_id)
        JOIN icd ON icd.icd_main IS NOT DISTINCT FROM e.icd_main AND icd.icd_other IS NOT DISTINCT FROM e.icd_other
        """;

    public static readonly string Labs = $"""
        WITH l AS (
            -- Parse each distinct (test, text, unit) once: 3M results carry a few thousand distinct texts.
            SELECT test, value_text, unit, trim(replace(value_text, ',', '.')) AS t, lower(trim(coalesce(unit, ''))) AS u,
                   CASE WHEN test IN ('GLU_FASTING', 'GLU_RANDOM') THEN 'glucose'
                        WHEN test = 'HBA1C' THEN 'hba1c'
                        WHEN test IN ('CHOL_TOTAL', 'LDL', 'HDL') THEN 'cholesterol'
                        WHEN test = 'TG' THEN 'tg'
                        WHEN test = 'CREATININE' THEN 'creatinine' END AS klass
            FROM (SELECT DISTINCT test, value_text, unit FROM stage_labs)),
        n AS (
            SELECT *,
                CASE WHEN regexp_matches(t, '^(>=|<=|>|<|≥|≤)') THEN CASE WHEN t[1] IN ('>', '≥') THEN '>' ELSE '<' END END AS bound,
                try_cast(regexp_replace(t, '^(>=|<=|>|<|≥|≤)\s*', '') AS DOUBLE) AS x,
                lower(t) IN ('âm tính', 'dương tính', 'am tinh', 'duong tinh', 'negative', 'positive', 'neg', 'pos') AS qualitative
            FROM l),
        c AS (
            SELECT *,
                CASE klass
                  WHEN 'glucose' THEN CASE u WHEN 'mmol/l' THEN x WHEN 'mg/dl' THEN x / 18.016
                                              WHEN '' THEN CASE WHEN x BETWEEN 1 AND 60 THEN x END END
                  WHEN 'hba1c' THEN CASE u WHEN '%' THEN x WHEN 'mmol/mol' THEN x / 10.929 + 2.15
                                            WHEN '' THEN CASE WHEN x BETWEEN 3 AND 20 THEN x END END
                  WHEN 'cholesterol' THEN CASE u WHEN 'mmol/l' THEN x WHEN 'mg/dl' THEN x / 38.67
                                                  WHEN '' THEN CASE WHEN x BETWEEN 0 AND 30 THEN x END END
                  WHEN 'tg' THEN CASE u WHEN 'mmol/l' THEN x WHEN 'mg/dl' THEN x / 88.57
                                         WHEN '' THEN CASE WHEN x BETWEEN 0 AND 50 THEN x END END
                  WHEN 'creatinine' THEN CASE u WHEN 'umol/l' THEN x WHEN 'µmol/l' THEN x WHEN 'μmol/l' THEN x
                                                 WHEN 'mg/dl' THEN x * 88.4
                                                 WHEN '' THEN CASE WHEN x BETWEEN 20 AND 3000 THEN x END END
                END AS v,
                CASE klass WHEN 'glucose' THEN 'mmol/L' WHEN 'hba1c' THEN '%' WHEN 'cholesterol' THEN 'mmol/L'
                           WHEN 'tg' THEN 'mmol/L' WHEN 'creatinine' THEN 'umol/L' END AS canonical
            FROM n),
        s AS (
            SELECT *,
                CASE WHEN klass IS NULL THEN 'uninterpreted'
                     WHEN qualitative THEN 'qualitative'
                     WHEN x IS NULL THEN 'unparseable'
                     WHEN v IS NULL THEN 'unknown_unit'
                     WHEN bound IS NOT NULL THEN 'censored'
                     ELSE 'ok' END AS status
            FROM c),
        m AS (
            SELECT test, value_text, unit, CASE WHEN klass IS NOT NULL THEN v END AS v, canonical,
                   CASE WHEN klass IS NOT NULL THEN bound END AS bound, status,
                   (CASE WHEN status = 'unparseable' THEN {LabDq.Unparseable:D} ELSE 0 END)
                 | (CASE WHEN status = 'unknown_unit' THEN {LabDq.UnknownUnit:D} ELSE 0 END)
                 | (CASE WHEN (klass = 'glucose' AND (v < 1 OR v > 60)) OR (klass = 'hba1c' AND (v < 3 OR v > 20)) THEN {LabDq.Implausible:D} ELSE 0 END) AS flags
            FROM s)
        SELECT l.encounter_id, l.record_id, l.result_time::TIMESTAMP, l.test, l.value_text, l.unit,
               m.v, m.canonical, m.bound, m.status, m.flags
        FROM stage_labs l
        JOIN m ON m.test = l.test AND m.value_text = l.value_text AND m.unit IS NOT DISTINCT FROM l.unit
        """;

    public const string Medications = """
        WITH d AS (
            -- Classify each distinct (name, ingredient, ATC) once: millions of rows, a few hundred spellings.
            SELECT DISTINCT drug_name, active_ingredient, atc_code FROM stage_medications),
        m AS (
            SELECT *,
                regexp_replace(replace(strip_accents(lower(split_part(trim(coalesce(active_ingredient, '')), ' ', 1))), 'đ', 'd'), '[^a-z0-9]', '', 'g') AS ing,
                regexp_replace(replace(strip_accents(lower(split_part(trim(drug_name), ' ', 1))), 'đ', 'd'), '[^a-z0-9]', '', 'g') AS brand
            FROM d),
        r AS (
            SELECT m.*, coalesce(nullif(upper(trim(m.atc_code)), ''), di.atc_code, db.atc_code) AS atc
            FROM m
            LEFT JOIN wh.main.dim_drug_class di ON di.ingredient = m.ing
            LEFT JOIN wh.main.dim_drug_class db ON db.ingredient = m.brand),
        c AS (
            SELECT drug_name, active_ingredient, atc_code, atc,
                   CASE WHEN atc IS NULL THEN 'unknown'
                        WHEN left(atc, 3) IN ('C02', 'C03', 'C07', 'C08', 'C09') THEN 'antihypertensive'
                        WHEN left(atc, 3) = 'A10' THEN 'antidiabetic'
                        WHEN left(atc, 3) = 'C10' THEN 'lipid'
                        ELSE 'other' END AS drug_group
            FROM r)
        SELECT s.encounter_id, s.record_id, s.dispensed_time::TIMESTAMP, s.drug_name, s.active_ingredient, s.atc_code,
               c.atc, c.drug_group, s.days_supply
        FROM stage_medications s
        JOIN c ON c.drug_name = s.drug_name AND c.active_ingredient IS NOT DISTINCT FROM s.active_ingredient
              AND c.atc_code IS NOT DISTINCT FROM s.atc_code
        """;

    /// <summary>Each staging row gives one row of <see cref="Labs"/> holding these columns as they are.</summary>
    public static readonly FactHistory.Verbatim LabsVerbatim = new("stage_labs", "encounter_id, record_id, result_time, test, value_text, unit");

    /// <summary>Each staging row gives one row of <see cref="Medications"/> holding these columns as they are.</summary>
    public static readonly FactHistory.Verbatim MedicationsVerbatim =
        new("stage_medications", "encounter_id, record_id, dispensed_time, drug_name, active_ingredient, atc_code, days_supply");

    public const string Facilities = """
        INSERT INTO wh.main.dim_facility
        SELECT DISTINCT facility_code, left(facility_code, 2), $sid FROM stage_encounters
        WHERE facility_code NOT IN (SELECT facility_code FROM wh.main.dim_facility)
        """;

}
