namespace HoSoSucKhoe.Synthetic;

/// <summary>
/// docs/definitions.md applied to one written record and its written encounters, labs and medications. Everything
/// here reads the row values (never the simulation's intentions), except the latent counts, which are the point.
/// </summary>
internal static class RecordTruth
{
    public static void Tally(SnapshotContext ctx, int r, in PersonRow row, HistoryBuffer history, WardTally t)
    {
        var day = ctx.Day;
        ref readonly var p = ref ctx.Population.Persons[ctx.Population.Records[r].Person];
        var age = row.BirthDate is { } b ? Calendar.AgeAt(b, day) : ctx.AsOf.Year - row.BirthYear;
        var adult = age >= 18;
        var dead = row.DeathDate is not null;

        t.Add(Count.RecordsAll);
        if (dead) t.Add(Count.Deceased);
        if (ctx.DuplicateCitizen[r]) t.Add(Count.DuplicateCitizen);
        if (ctx.ProbableDuplicate[r]) t.Add(Count.ProbableDuplicate);
        var wellFormed = WellFormedCitizen(row.CitizenId);
        if (row.CitizenId is null && adult) t.Add(Count.MissingCitizenAdult);
        if (row.CitizenId is not null && !wellFormed) t.Add(Count.MalformedCitizen);
        if (row.InsuranceId is null) t.Add(Count.MissingInsurance);
        if (row.Phone is null) t.Add(Count.MissingPhone);

        var afterDeath = false;
        var visited = false;
        var htnIcd = false;
        var dmIcd = false;
        foreach (var v in history.Visits)
        {
            if (row.DeathDate is { } death && v.Day > death) afterDeath = true;
            if (v.Implausible) t.Add(Count.ImplausibleEncounters);
            visited |= v.Kind != "SL" && v.Day > day - 365 && v.Day <= day;
            htnIcd |= HasCode(v, IcdCodes.IsHypertension);
            dmIcd |= HasCode(v, IcdCodes.IsDiabetes);
        }
        if (afterDeath) t.Add(Count.VisitAfterDeath);
        foreach (var lab in history.Labs)
            if (lab.Reading.Status == LabStatus.Unparseable) t.Add(Count.UnparseableLabs);
        // Before the death check: a patient who died later was under care in the months before.
        if (adult) ProgrammeTruth.Tally(ctx, row, history, ctx.Moved(ctx.Population.Records[r]), t);
        if (dead) return;

        t.Add(Count.RecordsLinked);
        if (row.FirstExamDate is not null) t.Add(Count.Examined);
        if (row.Verified) t.Add(Count.Managed);
        if (row.Residence == 1 && row.CreatedDate <= day)
        {
            t.Add(Count.PermanentRecords);
            var updated = row.UpdatedDate ?? row.CreatedDate;
            if (updated > day - 365 && updated <= day) t.Add(Count.PermanentUpdated);
        }
        var group1 = age >= 50 || row.HxHypertension == true || row.HxDiabetes == true || row.HxCardiovascular == true || htnIcd || dmIcd;
        t.Add(group1 ? Count.PriorityGroup1 : row.Pregnant == true || age < 16 ? Count.PriorityGroup2 : Count.PriorityGroup3);
        var complete = Completeness(row, wellFormed, t);
        if (visited) t.Add(Count.Visitors);
        if (visited && complete) t.Add(Count.VisitorsComplete);
        if (adult) Cascade(ctx, row, p, history, htnIcd, dmIcd, age, t);
    }

    public static bool WellFormedCitizen(string? id) => id is { Length: 9 or 12 } && id.All(char.IsAsciiDigit);

    static bool HasCode(in Visit v, Func<string, bool> isCode)
    {
        if (v.IcdMain is { } main && isCode(main)) return true;
        if (v.IcdOther is null) return false;
        foreach (var code in v.IcdOther.Split(';'))
            if (isCode(code.Trim())) return true;
        return false;
    }

    static bool Completeness(in PersonRow row, bool wellFormed, WardTally t)
    {
        var administrative = wellFormed && row.FullName is not null && row.BirthDate is not null
            && (row.InsuranceId is not null || row.Phone is not null);
        var anthropometrics = row.Height is >= 30 and <= 250 && row.Weight is >= 1 and <= 300;
        var blood = row.Abo is not null && row.Rh is not null;
        var underlying = row.HxHypertension is not null && row.HxDiabetes is not null && row.HxCardiovascular is not null;
        if (administrative) t.Add(Count.CompleteAdministrative);
        if (row.VaccinationRecorded) t.Add(Count.CompleteImmunisation);
        if (row.HistoryRecorded) t.Add(Count.CompleteHistoryAllergy);
        if (anthropometrics) t.Add(Count.CompleteAnthropometrics);
        if (blood) t.Add(Count.CompleteBloodGroup);
        if (underlying) t.Add(Count.CompleteUnderlyingConditions);
        var all = administrative && row.VaccinationRecorded && row.HistoryRecorded && anthropometrics && blood && underlying;
        if (all) t.Add(Count.CompleteAll);
        return all;
    }

    static void Cascade(SnapshotContext ctx, in PersonRow row, in Person p, HistoryBuffer history, bool htnIcd, bool dmIcd, int age, WardTally t)
    {
        var day = ctx.Day;
        Visit? bp = null;
        foreach (var v in history.Visits)
            if (v.UsableBp && v.Day > day - 365 && v.Day <= day && (bp is null || v.Time > bp.Value.Time)) bp = v;
        bool htn365 = false, htn90 = false, dm365 = false, dm90 = false;
        foreach (var m in history.Meds)
        {
            var d = Calendar.DayOfUnixSeconds(m.Time);
            if (d <= day - 365 || d > day) continue;
            var c = m.Class;
            if (c == DrugClass.Antihypertensive) { htn365 = true; htn90 |= d > day - 90; }
            if (c == DrugClass.Antidiabetic) { dm365 = true; dm90 |= d > day - 90; }
        }
        LabRow? fpg = null, a1c = null;
        foreach (var lab in history.Labs)
        {
            var d = Calendar.DayOfUnixSeconds(lab.Time);
            if (!lab.Reading.Usable || d <= day - 365 || d > day) continue;
            if (lab.Test == LabReading.FastingGlucose && (fpg is null || lab.Time > fpg.Value.Time)) fpg = lab;
            if (lab.Test == LabReading.HbA1c && (a1c is null || lab.Time > a1c.Value.Time)) a1c = lab;
        }

        var htnScreened = bp is not null;
        var raised = bp is { } r && (r.Systolic >= 140 || r.Diastolic >= 90);
        var diagnosed = htnIcd || row.HxHypertension == true || htn365;
        var treated = diagnosed && htn90;
        var controlled = treated && bp is { } c2 && c2.Systolic < 140 && c2.Diastolic < 90;
        var dmScreened = fpg is not null || a1c is not null;
        var dmRaised = fpg?.Reading.Value >= 7.0 || a1c?.Reading.Value >= 6.5;
        var dmDiagnosed = dmIcd || row.HxDiabetes == true || dm365;
        var dmTreated = dmDiagnosed && dm90;
        var dmControlled = dmTreated && (a1c is { } a ? a.Reading.Value < 7.0 : fpg is { } f && f.Reading.Value < 7.0);
        var htnLatent = p.HtnOnset <= day;
        var dmLatent = p.DmOnset <= day;

        t.Add(Ncd.Adults);
        Flags(t, [htnScreened, raised, diagnosed || raised, diagnosed, treated, controlled], Ncd.HtnScreened);
        Flags(t, [dmScreened, dmRaised, dmDiagnosed || dmRaised, dmDiagnosed, dmTreated, dmControlled], Ncd.DmScreened);
        if (htnLatent) t.Add(Ncd.LatentHtnAdults);
        if (dmLatent) t.Add(Ncd.LatentDmAdults);
        if (htnLatent && htnScreened) t.Add(Ncd.LatentHtnScreened);
        if (dmLatent && dmScreened) t.Add(Ncd.LatentDmScreened);

        if (row.Sex is not (1 or 2)) return;
        var band = AgeBands.Of(age);
        int sex = row.Sex;
        t.Add(band, sex, BandCount.Adults);
        if (htnScreened) t.Add(band, sex, BandCount.HtnScreenedN);
        if (htnScreened && htnLatent) t.Add(band, sex, BandCount.HtnLatentScreened);
        if (htnLatent) t.Add(band, sex, BandCount.HtnLatent);
        if (dmScreened) t.Add(band, sex, BandCount.DmScreenedN);
        if (dmScreened && dmLatent) t.Add(band, sex, BandCount.DmLatentScreened);
        if (dmLatent) t.Add(band, sex, BandCount.DmLatent);
    }

    static void Flags(WardTally t, ReadOnlySpan<bool> values, Ncd first)
    {
        for (var i = 0; i < values.Length; i++)
            if (values[i]) t.Add(first + i);
    }
}
