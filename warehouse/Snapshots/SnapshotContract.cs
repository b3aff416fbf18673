using Apache.Arrow;
using Apache.Arrow.Types;

namespace HoSoSucKhoe.Warehouse.Snapshots;

/// <summary>One column of the hssk-snapshot/1 contract (docs/snapshot-format.md).</summary>
public sealed record ContractColumn(string Name, ArrowTypeId Type, bool Nullable)
{
    /// <summary>The Arrow type a writer of the contract uses (timestamps in seconds, no time zone).</summary>
    public IArrowType ArrowType => Type switch
    {
        ArrowTypeId.String => StringType.Default,
        ArrowTypeId.Int16 => Int16Type.Default,
        ArrowTypeId.Int8 => Int8Type.Default,
        ArrowTypeId.Date32 => Date32Type.Default,
        ArrowTypeId.Boolean => BooleanType.Default,
        ArrowTypeId.Float => FloatType.Default,
        ArrowTypeId.Timestamp => SecondsTimestamp,
        _ => throw new NotSupportedException(Type.ToString()),
    };

    /// <summary>timestamp[s] without a time zone, as the contract writes it.</summary>
    public static readonly TimestampType SecondsTimestamp = new(TimeUnit.Second, (string?)null);

    public string TypeName => Type switch
    {
        ArrowTypeId.String => "utf8",
        ArrowTypeId.Int16 => "int16",
        ArrowTypeId.Int8 => "int8",
        ArrowTypeId.Date32 => "date32",
        ArrowTypeId.Boolean => "bool",
        ArrowTypeId.Float => "float",
        ArrowTypeId.Timestamp => "timestamp[s]",
        _ => Type.ToString(),
    };
}

public sealed record ContractFile(string Name, string KeyColumn, IReadOnlyList<ContractColumn> Columns)
{
    public string StageTable => "stage_" + Name[..Name.IndexOf('.')];

    /// <summary>The file's Arrow schema as the contract writes it, non-null columns marked non-nullable.</summary>
    public Schema ArrowSchema => new(Columns.Select(c => new Field(c.Name, c.ArrowType, c.Nullable)), null);
}

public static class SnapshotContract
{
    public const string Format = "hssk-snapshot/1";

    static ContractColumn C(string name, ArrowTypeId type, bool nullable = true) => new(name, type, nullable);

    public static readonly ContractFile Persons = new("persons.arrow", "record_id",
    [
        C("record_id", ArrowTypeId.String, false), C("citizen_id", ArrowTypeId.String), C("insurance_id", ArrowTypeId.String),
        C("full_name", ArrowTypeId.String), C("birth_year", ArrowTypeId.Int16, false), C("birth_date", ArrowTypeId.Date32),
        C("sex", ArrowTypeId.Int8, false), C("ward_code", ArrowTypeId.String, false), C("residence", ArrowTypeId.Int8, false),
        C("phone", ArrowTypeId.String), C("created_date", ArrowTypeId.Date32, false), C("updated_date", ArrowTypeId.Date32),
        C("first_exam_date", ArrowTypeId.Date32), C("verified", ArrowTypeId.Boolean, false), C("death_date", ArrowTypeId.Date32),
        C("abo_group", ArrowTypeId.String), C("rh", ArrowTypeId.String), C("height_cm", ArrowTypeId.Float),
        C("weight_kg", ArrowTypeId.Float), C("hx_hypertension", ArrowTypeId.Boolean), C("hx_diabetes", ArrowTypeId.Boolean),
        C("hx_cardiovascular", ArrowTypeId.Boolean), C("smoking", ArrowTypeId.Boolean), C("alcohol", ArrowTypeId.Boolean),
        C("inactive", ArrowTypeId.Boolean), C("history_recorded", ArrowTypeId.Boolean, false),
        C("vaccination_recorded", ArrowTypeId.Boolean, false), C("pregnant", ArrowTypeId.Boolean),
    ]);

    public static readonly ContractFile Encounters = new("encounters.arrow", "encounter_id",
    [
        C("encounter_id", ArrowTypeId.String, false), C("record_id", ArrowTypeId.String, false),
        C("facility_code", ArrowTypeId.String, false), C("visit_time", ArrowTypeId.Timestamp, false),
        C("kind", ArrowTypeId.String, false), C("icd_main", ArrowTypeId.String), C("icd_other", ArrowTypeId.String),
        C("systolic", ArrowTypeId.Int16), C("diastolic", ArrowTypeId.Int16), C("height_cm", ArrowTypeId.Float),
        C("weight_kg", ArrowTypeId.Float), C("waist_cm", ArrowTypeId.Float),
    ]);

    public static readonly ContractFile Labs = new("labs.arrow", "",
    [
        C("encounter_id", ArrowTypeId.String, false), C("record_id", ArrowTypeId.String, false),
        C("result_time", ArrowTypeId.Timestamp, false), C("test", ArrowTypeId.String, false),
        C("value_text", ArrowTypeId.String, false), C("unit", ArrowTypeId.String),
    ]);

    public static readonly ContractFile Medications = new("medications.arrow", "",
    [
        C("encounter_id", ArrowTypeId.String, false), C("record_id", ArrowTypeId.String, false),
        C("dispensed_time", ArrowTypeId.Timestamp, false), C("drug_name", ArrowTypeId.String, false),
        C("active_ingredient", ArrowTypeId.String), C("atc_code", ArrowTypeId.String), C("days_supply", ArrowTypeId.Int16),
    ]);

    public static readonly IReadOnlyList<ContractFile> Files = [Persons, Encounters, Labs, Medications];

    /// <summary>Checks names and types; returns the first violation as a rejection. Extra columns are ignored.
    /// Timestamps of any unit without a time zone are accepted (DuckDB converts them).</summary>
    public static void CheckSchema(ContractFile file, Schema schema)
    {
        foreach (var column in file.Columns)
        {
            var field = schema.FieldsList.FirstOrDefault(f => f.Name == column.Name)
                ?? throw new SnapshotRejectedException(file.Name, column.Name, null,
                    $"thiếu cột bắt buộc '{column.Name}' (kiểu {column.TypeName}).",
                    $"missing column {column.Name} of type {column.TypeName}");
            var actual = field.DataType;
            var ok = actual.TypeId == column.Type
                && (actual is not TimestampType ts || string.IsNullOrEmpty(ts.Timezone));
            if (!ok)
                throw new SnapshotRejectedException(file.Name, column.Name, null,
                    $"sai kiểu dữ liệu: cần {column.TypeName}, tệp có {Describe(actual)}.",
                    $"wrong type: expected {column.TypeName}, found {Describe(actual)}");
        }
    }

    static string Describe(IArrowType t) => t switch
    {
        TimestampType ts => $"timestamp[{ts.Unit}{(string.IsNullOrEmpty(ts.Timezone) ? "" : ", " + ts.Timezone)}]",
        _ => t.Name,
    };
}
