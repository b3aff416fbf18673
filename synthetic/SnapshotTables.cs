using Apache.Arrow.Types;

namespace HoSoSucKhoe.Synthetic;

internal sealed class PersonsTable : TableBuilder
{
    readonly Utf8Column _recordId, _citizen, _insurance, _name, _ward, _phone, _abo, _rh;
    readonly FixedColumn<short> _birthYear;
    readonly FixedColumn<int> _birthDate, _created, _updated, _exam, _death;
    readonly FixedColumn<sbyte> _sex, _residence;
    readonly FixedColumn<float> _height, _weight;
    readonly BoolColumn _verified, _hxHtn, _hxDm, _hxCvd, _smoking, _alcohol, _inactive, _history, _vaccination, _pregnant;

    public PersonsTable() : base(SnapshotSchemas.Persons)
    {
        _recordId = Column(new Utf8Column());
        _citizen = Column(new Utf8Column());
        _insurance = Column(new Utf8Column());
        _name = Column(new Utf8Column());
        _birthYear = Column(new FixedColumn<short>(Int16Type.Default));
        _birthDate = Column(new FixedColumn<int>(Date32Type.Default));
        _sex = Column(new FixedColumn<sbyte>(Int8Type.Default));
        _ward = Column(new Utf8Column());
        _residence = Column(new FixedColumn<sbyte>(Int8Type.Default));
        _phone = Column(new Utf8Column());
        _created = Column(new FixedColumn<int>(Date32Type.Default));
        _updated = Column(new FixedColumn<int>(Date32Type.Default));
        _exam = Column(new FixedColumn<int>(Date32Type.Default));
        _verified = Column(new BoolColumn());
        _death = Column(new FixedColumn<int>(Date32Type.Default));
        _abo = Column(new Utf8Column());
        _rh = Column(new Utf8Column());
        _height = Column(new FixedColumn<float>(FloatType.Default));
        _weight = Column(new FixedColumn<float>(FloatType.Default));
        _hxHtn = Column(new BoolColumn());
        _hxDm = Column(new BoolColumn());
        _hxCvd = Column(new BoolColumn());
        _smoking = Column(new BoolColumn());
        _alcohol = Column(new BoolColumn());
        _inactive = Column(new BoolColumn());
        _history = Column(new BoolColumn());
        _vaccination = Column(new BoolColumn());
        _pregnant = Column(new BoolColumn());
    }

    static int? D32(int? day) => day is { } d ? Calendar.ToDate32(d) : null;

    public void Append(in PersonRow r)
    {
        _recordId.Append(r.RecordId);
        _citizen.Append(r.CitizenId);
        _insurance.Append(r.InsuranceId);
        _name.Append(r.FullName);
        _birthYear.Append(r.BirthYear);
        _birthDate.Append(D32(r.BirthDate));
        _sex.Append(r.Sex);
        _ward.Append(r.WardCode);
        _residence.Append(r.Residence);
        _phone.Append(r.Phone);
        _created.Append(Calendar.ToDate32(r.CreatedDate));
        _updated.Append(D32(r.UpdatedDate));
        _exam.Append(D32(r.FirstExamDate));
        _verified.Append(r.Verified);
        _death.Append(D32(r.DeathDate));
        _abo.Append(r.Abo);
        _rh.Append(r.Rh);
        _height.Append(r.Height);
        _weight.Append(r.Weight);
        _hxHtn.Append(r.HxHypertension);
        _hxDm.Append(r.HxDiabetes);
        _hxCvd.Append(r.HxCardiovascular);
        _smoking.Append(r.Smoking);
        _alcohol.Append(r.Alcohol);
        _inactive.Append(r.Inactive);
        _history.Append(r.HistoryRecorded);
        _vaccination.Append(r.VaccinationRecorded);
        _pregnant.Append(r.Pregnant);
        EndRow();
    }
}

internal sealed class EncountersTable : TableBuilder
{
    readonly Utf8Column _id, _record, _facility, _kind, _main, _other;
    readonly FixedColumn<long> _time;
    readonly FixedColumn<short> _sys, _dia;
    readonly FixedColumn<float> _height, _weight, _waist;

    public EncountersTable() : base(SnapshotSchemas.Encounters)
    {
        _id = Column(new Utf8Column());
        _record = Column(new Utf8Column());
        _facility = Column(new Utf8Column());
        _time = Column(new FixedColumn<long>(SnapshotSchemas.Seconds));
        _kind = Column(new Utf8Column());
        _main = Column(new Utf8Column());
        _other = Column(new Utf8Column());
        _sys = Column(new FixedColumn<short>(Int16Type.Default));
        _dia = Column(new FixedColumn<short>(Int16Type.Default));
        _height = Column(new FixedColumn<float>(FloatType.Default));
        _weight = Column(new FixedColumn<float>(FloatType.Default));
        _waist = Column(new FixedColumn<float>(FloatType.Default));
    }

    static float? F(float x) => float.IsNaN(x) ? null : x;

    public void Append(string encounterId, string recordId, in Visit v)
    {
        _id.Append(encounterId);
        _record.Append(recordId);
        _facility.Append(v.Facility);
        _time.Append(v.Time);
        _kind.Append(v.Kind);
        _main.Append(v.IcdMain);
        _other.Append(v.IcdOther);
        _sys.Append(v.HasBp ? v.Systolic : null);
        _dia.Append(v.HasBp ? v.Diastolic : null);
        _height.Append(F(v.Height));
        _weight.Append(F(v.Weight));
        _waist.Append(F(v.Waist));
        EndRow();
    }
}

internal sealed class LabsTable : TableBuilder
{
    readonly Utf8Column _encounter, _record, _test, _value, _unit;
    readonly FixedColumn<long> _time;

    public LabsTable() : base(SnapshotSchemas.Labs)
    {
        _encounter = Column(new Utf8Column());
        _record = Column(new Utf8Column());
        _time = Column(new FixedColumn<long>(SnapshotSchemas.Seconds));
        _test = Column(new Utf8Column());
        _value = Column(new Utf8Column());
        _unit = Column(new Utf8Column());
    }

    public void Append(string encounterId, string recordId, in LabRow lab)
    {
        _encounter.Append(encounterId);
        _record.Append(recordId);
        _time.Append(lab.Time);
        _test.Append(lab.Test);
        _value.Append(lab.Text);
        _unit.Append(lab.Unit);
        EndRow();
    }
}

internal sealed class MedicationsTable : TableBuilder
{
    readonly Utf8Column _encounter, _record, _name, _ingredient, _atc;
    readonly FixedColumn<long> _time;
    readonly FixedColumn<short> _days;

    public MedicationsTable() : base(SnapshotSchemas.Medications)
    {
        _encounter = Column(new Utf8Column());
        _record = Column(new Utf8Column());
        _time = Column(new FixedColumn<long>(SnapshotSchemas.Seconds));
        _name = Column(new Utf8Column());
        _ingredient = Column(new Utf8Column());
        _atc = Column(new Utf8Column());
        _days = Column(new FixedColumn<short>(Int16Type.Default));
    }

    public void Append(string encounterId, string recordId, in MedRow m)
    {
        _encounter.Append(encounterId);
        _record.Append(recordId);
        _time.Append(m.Time);
        _name.Append(m.Item.Name);
        _ingredient.Append(m.Ingredient);
        _atc.Append(m.Atc);
        _days.Append(m.DaysSupply == 0 ? null : m.DaysSupply);
        EndRow();
    }
}
