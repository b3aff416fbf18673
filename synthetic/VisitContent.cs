namespace HoSoSucKhoe.Synthetic;

/// <summary>
/// What happens at each planned visit: facility, ICD codes, measurements, labs and medicines, from the person's
/// state that day. Hypertension and diabetes codes and drugs appear only once the condition is diagnosed / treated.
/// </summary>
internal static class VisitContent
{
    public static void Fill(in Person p, in PersonTraits traits, CommuneProfile commune, GeneratorRates rates, HistoryBuffer buffer)
    {
        foreach (var (day, stream, index) in buffer.Planned)
        {
            var rng = Rng.Derive(p.Seed, ((ulong)stream << 20) | (ushort)index);
            var age = Calendar.AgeAt(p.BirthDay, day);
            var s = new State(p, day);
            var v = new Visit
            {
                Day = day,
                Second = 7 * 3600 + rng.Int(0, 10 * 3600),
                Stream = stream,
                Index = index,
                Height = float.NaN,
                Weight = float.NaN,
                Waist = float.NaN,
            };
            var visitIndex = buffer.Visits.Count;
            switch (stream)
            {
                case VisitStream.Chronic: Chronic(ref rng, ref v, s, commune, age); break;
                case VisitStream.Screening: Screening(ref rng, ref v, commune); break;
                default: General(ref rng, ref v, s, commune, rates, age); break;
            }
            Measure(ref rng, ref v, s, traits, age, stream);
            if (rng.Chance(rates.ImplausibleEncounter)) Implausible(ref rng, ref v);
            buffer.Visits.Add(v);
            Labs.Add(ref rng, v, visitIndex, s, p.Sex, age, rates, buffer.Labs);
            Medicines.Add(ref rng, v, visitIndex, s, traits, rates, buffer.Meds);
        }
    }

    /// <summary>The person's conditions on a day.</summary>
    internal readonly record struct State(bool HtnLatent, bool HtnDiagnosed, bool HtnTreating, bool HtnControlled,
        bool DmLatent, bool DmDiagnosed, bool DmTreating, bool DmControlled)
    {
        public State(in Person p, int day) : this(
            p.HtnOnset <= day, p.HtnDiagnosis <= day, p.HtnTreatment <= day && day < p.CareStop, p.Has(PersonFlags.HtnControlled),
            p.DmOnset <= day, p.DmDiagnosis <= day, p.DmTreatment <= day && day < p.CareStop, p.Has(PersonFlags.DmControlled))
        {
        }

        public Pressure Pressure => !HtnLatent ? Pressure.Normal : HtnTreating && HtnControlled ? Pressure.Controlled : Pressure.Raised;
        public Glycaemia Glycaemia => !DmLatent ? Glycaemia.Normal : DmTreating && DmControlled ? Glycaemia.Controlled : Glycaemia.Raised;
    }

    static void Chronic(ref Rng rng, ref Visit v, State s, CommuneProfile commune, int age)
    {
        v.Kind = "01";
        v.Facility = rng.Chance(0.9) ? commune.Station : rng.Pick(commune.Hospitals);
        var codes = new List<string>(4);
        if (s.HtnDiagnosed) codes.Add(rng.Pick(IcdCodes.Hypertension));
        if (s.DmDiagnosed) codes.Add(rng.Pick(IcdCodes.Diabetes));
        if (codes.Count == 2 && rng.Chance(0.4)) (codes[0], codes[1]) = (codes[1], codes[0]);
        if (age >= 45 && rng.Chance(0.3)) AddDistinct(codes, rng.Pick(IcdCodes.Comorbidities));
        v.IcdMain = codes.Count > 0 ? codes[0] : null;
        v.IcdOther = codes.Count > 1 ? string.Join(';', codes.Skip(1)) : null;
    }

    static void Screening(ref Rng rng, ref Visit v, CommuneProfile commune)
    {
        v.Kind = "SL";
        v.Facility = commune.Station;
        v.IcdMain = rng.Chance(0.2) ? IcdCodes.Screening : null;
    }

    static void General(ref Rng rng, ref Visit v, State s, CommuneProfile commune, GeneratorRates rates, int age)
    {
        var inpatient = rng.Chance(rates.InpatientShare * (age >= 60 ? 2 : 1));
        v.Kind = inpatient ? "03" : "01";
        v.Facility = inpatient || rng.Chance(0.3) ? rng.Pick(commune.Hospitals) : commune.Station;
        v.IcdMain = rng.Pick(inpatient ? IcdCodes.Inpatient : IcdCodes.Outpatient);
        var others = new List<string>(12);
        if (s.HtnDiagnosed && rng.Chance(0.6)) others.Add(rng.Pick(IcdCodes.Hypertension));
        if (s.DmDiagnosed && rng.Chance(0.6)) others.Add(rng.Pick(IcdCodes.Diabetes));
        var extra = age >= 50 ? rng.Int(0, inpatient ? 11 : 3) : rng.Chance(0.2) ? 1 : 0;
        for (var i = 0; i < extra && others.Count < 12; i++)
            AddDistinct(others, rng.Pick(rng.Chance(0.5) ? IcdCodes.Comorbidities : IcdCodes.Outpatient));
        others.Remove(v.IcdMain);
        v.IcdOther = others.Count > 0 ? string.Join(';', others) : null;
    }

    static void AddDistinct(List<string> codes, string code)
    {
        if (!codes.Contains(code)) codes.Add(code);
    }

    static void Measure(ref Rng rng, ref Visit v, State s, in PersonTraits traits, int age, VisitStream stream)
    {
        var adult = age >= 18;
        var pBp = stream switch
        {
            VisitStream.Chronic => 0.95,
            VisitStream.Screening => adult ? 1.0 : 0.0,
            _ when v.Kind == "03" => adult ? 0.9 : 0.2,
            _ => adult ? 0.45 : age >= 6 ? 0.03 : 0,
        };
        if (rng.Chance(pBp)) (v.Systolic, v.Diastolic) = BloodPressure.Draw(ref rng, s.Pressure, age);
        var pBody = stream switch
        {
            VisitStream.Screening => 0.8,
            VisitStream.Chronic => 0.15,
            _ when v.Kind == "03" => 0.5,
            _ => age < 6 ? 0.5 : 0.1,
        };
        if (!rng.Chance(pBody)) return;
        v.Height = (float)Math.Round(traits.HeightAt(age) + rng.Normal(0, 0.6), 1);
        v.Weight = (float)Math.Round(Math.Max(2, traits.WeightAt(age) + rng.Normal(0, 1.2)), 1);
        if (adult && rng.Chance(stream == VisitStream.Screening ? 0.6 : 0.1))
            v.Waist = (float)Math.Round(Math.Clamp(traits.Bmi * 3.4 + rng.Normal(0, 5), 55, 140));
    }

    /// <summary>A data-entry slip. Height/weight slips go on visits without blood pressure, so whether a reader ignores
    /// the reading of an encounter with an implausible height cannot change the cascade.</summary>
    static void Implausible(ref Rng rng, ref Visit v)
    {
        switch (rng.Int(0, 4))
        {
            case 0: v.Systolic = 400; v.Diastolic = 85; break;
            case 1: v.Systolic = 20; v.Diastolic = 80; break;
            case 2: v.Height = 400; v.Weight = float.IsNaN(v.Weight) ? 60 : v.Weight; v.Systolic = v.Diastolic = 0; break;
            default: v.Weight = 0.5f; v.Height = float.IsNaN(v.Height) ? 160 : v.Height; v.Systolic = v.Diastolic = 0; break;
        }
    }
}
