using Apache.Arrow;
using Apache.Arrow.Types;

namespace HoSoSucKhoe.Warehouse.Synthetic;

/// <summary>The four Arrow schemas of SNAPSHOT-FORMAT.md (hssk-snapshot/1), with its nullability.</summary>
internal static class SnapshotSchemas
{
    public static readonly TimestampType Seconds = new(TimeUnit.Second, (string?)null);

    public static readonly Schema Persons = Build(
        ("record_id", StringType.Default, false), ("citizen_id", StringType.Default, true),
        ("insurance_id", StringType.Default, true), ("full_name", StringType.Default, true),
        ("birth_year", Int16Type.Default, false), ("birth_date", Date32Type.Default, true),
        ("sex", Int8Type.Default, false), ("ward_code", StringType.Default, false),
        ("residence", Int8Type.Default, false), ("phone", StringType.Default, true),
        ("created_date", Date32Type.Default, false), ("updated_date", Date32Type.Default, true),
        ("first_exam_date", Date32Type.Default, true), ("verified", BooleanType.Default, false),
        ("death_date", Date32Type.Default, true), ("abo_group", StringType.Default, true),
        ("rh", StringType.Default, true), ("height_cm", FloatType.Default, true),
        ("weight_kg", FloatType.Default, true), ("hx_hypertension", BooleanType.Default, true),
        ("hx_diabetes", BooleanType.Default, true), ("hx_cardiovascular", BooleanType.Default, true),
        ("smoking", BooleanType.Default, true), ("alcohol", BooleanType.Default, true),
        ("inactive", BooleanType.Default, true), ("history_recorded", BooleanType.Default, false),
        ("vaccination_recorded", BooleanType.Default, false), ("pregnant", BooleanType.Default, true));

    public static readonly Schema Encounters = Build(
        ("encounter_id", StringType.Default, false), ("record_id", StringType.Default, false),
        ("facility_code", StringType.Default, false), ("visit_time", Seconds, false),
        ("kind", StringType.Default, false), ("icd_main", StringType.Default, true),
        ("icd_other", StringType.Default, true), ("systolic", Int16Type.Default, true),
        ("diastolic", Int16Type.Default, true), ("height_cm", FloatType.Default, true),
        ("weight_kg", FloatType.Default, true), ("waist_cm", FloatType.Default, true));

    public static readonly Schema Labs = Build(
        ("encounter_id", StringType.Default, false), ("record_id", StringType.Default, false),
        ("result_time", Seconds, false), ("test", StringType.Default, false),
        ("value_text", StringType.Default, false), ("unit", StringType.Default, true));

    public static readonly Schema Medications = Build(
        ("encounter_id", StringType.Default, false), ("record_id", StringType.Default, false),
        ("dispensed_time", Seconds, false), ("drug_name", StringType.Default, false),
        ("active_ingredient", StringType.Default, true), ("atc_code", StringType.Default, true),
        ("days_supply", Int16Type.Default, true));

    static Schema Build(params (string Name, IArrowType Type, bool Nullable)[] fields) =>
        new(fields.Select(f => new Field(f.Name, f.Type, f.Nullable)), null);
}
