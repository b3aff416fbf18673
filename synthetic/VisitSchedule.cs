namespace HoSoSucKhoe.Synthetic;

/// <summary>
/// When a person visits, from 2023-01-01 up to a date: general visits (a Poisson process thinned by age and by
/// disease, so people with hypertension or diabetes visit more), monthly follow-up at the commune station once
/// diagnosed and treated, community screening campaigns, and the rare visit dated after death. Each stream draws
/// from its own generator step by step, so the visits up to an earlier date are a prefix of those up to a later one.
/// </summary>
internal static class VisitSchedule
{
    const double MaxBaseRate = 1.6;

    public static void Plan(in Person p, in PersonTraits traits, CommuneProfile commune, GeneratorRates rates, int until, HistoryBuffer buffer)
    {
        var planned = buffer.Planned;
        var end = Math.Min(until, p.DeathDay);
        General(p, traits, rates, end, planned);
        Chronic(p, end, planned);
        Screening(p, commune, end, planned);
        if (p.Has(PersonFlags.VisitAfterDeath) && p.DeathDay <= until)
        {
            var rng = Rng.Derive(p.Seed, 0xDEAD);
            var day = p.DeathDay + rng.Int(3, 90);
            if (day <= until && day >= Calendar.HistoryStart) planned.Add((day, VisitStream.AfterDeath, 0));
        }
        planned.Sort();
        // One visit a day: keep the first stream's visit when two fall on the same day.
        var w = 0;
        for (var i = 0; i < planned.Count; i++)
            if (w == 0 || planned[i].Day != planned[w - 1].Day) planned[w++] = planned[i];
        planned.RemoveRange(w, planned.Count - w);
    }

    static double BaseRate(double age, byte sex) => age switch
    {
        < 5 => 1.6,
        < 15 => 0.7,
        < 40 => sex == 2 ? 0.65 : 0.5,
        < 60 => sex == 2 && age < 50 ? 0.85 : 0.75,
        < 70 => 1.2,
        _ => 1.6,
    };

    static void General(in Person p, in PersonTraits traits, GeneratorRates rates, int end, List<(int, VisitStream, short)> planned)
    {
        var rng = Rng.Derive(p.Seed, 0x6E0);
        var max = MaxBaseRate * traits.Frailty * rates.DiseaseVisitMultiplier;
        var t = (double)Math.Max(Calendar.HistoryStart, p.BirthDay);
        short index = 0;
        while (true)
        {
            t += rng.Exponential(365.25 / max);
            var day = (int)t;
            var accept = rng.Uniform();
            if (day > end) return;
            var age = (day - p.BirthDay) / 365.25;
            var sick = p.HtnOnset <= day || p.DmOnset <= day ? rates.DiseaseVisitMultiplier : 1.0;
            if (accept * max < BaseRate(age, p.Sex) * traits.Frailty * sick && index < short.MaxValue)
                planned.Add((day, VisitStream.General, index++));
        }
    }

    static void Chronic(in Person p, int end, List<(int, VisitStream, short)> planned)
    {
        var first = Math.Min(p.HtnDiagnosis, p.DmDiagnosis);
        if (first == Calendar.Never || first >= p.CareStop) return;
        var rng = Rng.Derive(p.Seed, 0xC4C);
        var stop = Math.Min(end, p.CareStop - 1);
        var day = Math.Max(first, Calendar.HistoryStart) + rng.Int(0, first < Calendar.HistoryStart ? 30 : 14);
        short index = 0;
        while (day <= stop)
        {
            planned.Add((day, VisitStream.Chronic, index++));
            var treating = p.HtnTreatment <= day || p.DmTreatment <= day;
            var interval = treating ? 30 + (int)Math.Round(rng.Normal(0, 3)) : rng.Int(90, 180);
            if (treating && rng.Chance(0.08)) interval += 30;
            day += Math.Max(7, interval);
        }
    }

    static void Screening(in Person p, CommuneProfile commune, int end, List<(int, VisitStream, short)> planned)
    {
        for (var j = 0; j < commune.ScreeningDays.Length; j++)
        {
            var day = commune.ScreeningDays[j];
            if (day > end) return;
            if (day < Calendar.HistoryStart) continue;
            var age = (day - p.BirthDay) / 365.25;
            if (age < 30) continue;
            var rng = Rng.Derive(p.Seed, 0x5C00UL + (ulong)j);
            if (rng.Chance(commune.ScreeningUptake * (age >= 50 ? 1.3 : 1.0))) planned.Add((day, VisitStream.Screening, (short)j));
        }
    }
}
