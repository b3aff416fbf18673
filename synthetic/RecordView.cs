namespace HoSoSucKhoe.Synthetic;

/// <summary>A record as its persons.arrow row reads on the snapshot date.</summary>
internal static class RecordView
{
    public static PersonRow Build(SnapshotContext ctx, int r, in PersonTraits traits, int lastVisitDay)
    {
        ref readonly var rec = ref ctx.Population.Records[r];
        ref readonly var p = ref ctx.Population.Persons[rec.Person];
        var day = ctx.Day;
        var rng = Rng.Derive(rec.Seed, 0x1D);
        var exam = rec.Exam <= day ? rec.Exam : (int?)null;
        var death = p.DeathDay <= day ? p.DeathDay : (int?)null;
        var history = exam is not null && rec.Has(RecordFlags.HistoryFilled);
        var age = Calendar.AgeAt(p.BirthDay, Math.Min(day, p.DeathDay));
        var (family, middle, given) = p.NameParts;
        var homeProvince = p.Legacy >= 0 ? byte.Parse(ctx.Frame.LegacyProvince[p.Legacy]) : byte.Parse(ctx.Frame.ProvinceCode);
        var insurance = IdentityText.Insurance(ref rng, homeProvince);
        var phone = IdentityText.Phone(ref rng);

        var row = new PersonRow
        {
            RecordId = ctx.RecordId(r),
            CitizenId = ctx.Population.CitizenIds[r],
            InsuranceId = rec.Has(RecordFlags.NoInsurance) ? null : insurance,
            FullName = NameText.Spell(family, middle, given, rec.Spelling),
            BirthYear = (short)p.BirthDate.Year,
            BirthDate = p.Has(PersonFlags.BirthDateKnown) ? p.BirthDay : null,
            Sex = (sbyte)p.Sex,
            WardCode = ctx.WardCode(rec),
            Residence = (sbyte)p.Residence,
            Phone = rec.Has(RecordFlags.NoPhone) ? null : phone,
            CreatedDate = rec.Created,
            FirstExamDate = exam,
            Verified = rec.Verify <= day,
            DeathDate = death,
            HistoryRecorded = history,
            VaccinationRecorded = rec.Has(RecordFlags.Vaccination),
        };
        if (exam is not null && rec.Has(RecordFlags.BloodGroup))
        {
            row.Abo = traits.AboText;
            row.Rh = traits.RhNegative ? "-" : "+";
        }
        if (exam is not null && rec.Has(RecordFlags.Anthropometrics))
        {
            row.Height = MathF.Round(traits.HeightAt(age) * 2) / 2;
            row.Weight = MathF.Round(traits.WeightAt(age) * 10) / 10;
        }
        if (history)
        {
            row.HxHypertension = p.HtnDiagnosis <= day;
            row.HxDiabetes = p.DmDiagnosis <= day;
            row.HxCardiovascular = rec.Has(RecordFlags.PartialHistory) ? null : p.Has(PersonFlags.Cardiovascular);
            if (age >= 15)
            {
                row.Smoking = traits.Smoking;
                row.Alcohol = traits.Alcohol;
                row.Inactive = traits.Inactive;
            }
            if (p.Sex == 2 && age is >= 15 and <= 49)
                row.Pregnant = p.PregnancyStart <= day && day < p.PregnancyStart + 280;
        }
        if (!rec.Has(RecordFlags.NoUpdatedDate))
        {
            var updated = rec.Created;
            foreach (var d in (ReadOnlySpan<int>)[rec.Exam, rec.Verify, p.DeathDay, lastVisitDay])
                if (d <= day && d > updated) updated = d;
            row.UpdatedDate = updated;
        }
        return row;
    }
}
