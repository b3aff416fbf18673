namespace HoSoSucKhoe.Synthetic;

/// <summary>Draws one person: demography, name, latent conditions and their care, death.</summary>
internal sealed class PersonFactory(ProvinceFrame frame, GeneratorRates rates, byte[] legacyProvinces, bool northwest)
{
    static readonly int CensusDay = Calendar.Census.DayNumber;

    public Person Make(ulong seed, int commune, bool migrant)
    {
        var rng = new Rng(seed);
        var age = migrant ? Demography.SampleMigrantAge(ref rng) : Demography.SampleAge(ref rng);
        var sex = Demography.SampleSex(ref rng, age);
        var birth = Calendar.Census.AddYears(-age).AddDays(-rng.Int(0, 365)).DayNumber;
        var p = new Person
        {
            Seed = seed,
            Commune = commune,
            Legacy = PickLegacy(ref rng, commune),
            BirthDay = birth,
            Sex = sex,
            Residence = migrant ? (byte)2 : (byte)1,
        };
        if (!rng.Chance(rates.MissingBirthDate)) p.Flags |= PersonFlags.BirthDateKnown;
        Name(ref rng, ref p, birth);
        p.BirthProvince = BirthProvince(ref rng, p.Legacy, migrant);
        p.Citizen = Citizen(ref rng, age);

        // Death over the simulated years at the age-specific rate of 2024.
        var q = Demography.AnnualDeathRate(Math.Max(0, age - 1), sex);
        var start = Math.Max(Calendar.HistoryStart, birth);
        var death = start + rng.Exponential(365.25 / -Math.Log(1 - q));
        p.DeathDay = death < start + 365.25 * 12 ? (int)death : Calendar.Never;
        if (p.DeathDay != Calendar.Never && rng.Chance(rates.VisitAfterDeathOfDeceased)) p.Flags |= PersonFlags.VisitAfterDeath;

        Conditions(ref rng, ref p);
        if (age >= 50 && rng.Chance(p.HtnOnset != Calendar.Never ? 0.10 : 0.05)) p.Flags |= PersonFlags.Cardiovascular;
        p.PregnancyStart = sex == 2 && age is >= 18 and <= 44 && rng.Chance(rates.PregnancyWomen18To44)
            ? Calendar.HistoryStart + rng.Int(0, 1370)
            : Calendar.Never;
        return p;
    }

    int PickLegacy(ref Rng rng, int commune)
    {
        var (legacy, cumulative) = frame.Candidates[commune];
        return legacy.Length == 0 ? -1 : legacy[rng.PickCumulative(cumulative)];
    }

    void Name(ref Rng rng, ref Person p, int birth)
    {
        var male = p.Sex != 2;
        var ethnic = northwest && rng.Chance(0.4);
        p.FamilyTable = ethnic ? (byte)1 : (byte)0;
        p.Family = (short)NameTables.All[p.FamilyTable].Pick(ref rng);
        p.MiddleTable = male ? (byte)2 : (byte)3;
        // Văn and Thị are less common among the young: redraw once for people born since 2000.
        var middle = NameTables.All[p.MiddleTable];
        var m = middle.Pick(ref rng);
        if (Calendar.Date(birth).Year >= 2000 && m == 0 && rng.Chance(0.6)) m = middle.Pick(ref rng);
        p.Middle = (short)m;
        p.GivenTable = ethnic && rng.Chance(0.6) ? (byte)6 : male ? (byte)4 : (byte)5;
        p.Given = (short)NameTables.All[p.GivenTable].Pick(ref rng);
        if (ethnic) p.Flags |= PersonFlags.Northwest;
    }

    byte BirthProvince(ref Rng rng, int legacy, bool migrant)
    {
        var home = legacy >= 0 ? byte.Parse(frame.LegacyProvince[legacy]) : byte.Parse(frame.ProvinceCode);
        return !migrant && rng.Chance(0.85) ? home : legacyProvinces[rng.Int(0, legacyProvinces.Length)];
    }

    CitizenKind Citizen(ref Rng rng, int age)
    {
        if (rng.Chance(rates.MalformedCitizen)) return CitizenKind.Malformed;
        if (age < 14) return rng.Chance(rates.MissingCitizenChild) ? CitizenKind.Missing : CitizenKind.Cccd;
        if (rng.Chance(age >= 18 ? rates.MissingCitizenAdult : rates.MissingCitizenAdult * 2)) return CitizenKind.Missing;
        return age >= 40 && rng.Chance(rates.LegacyCmndOver40) ? CitizenKind.Cmnd : CitizenKind.Cccd;
    }

    void Conditions(ref Rng rng, ref Person p)
    {
        var z1 = rng.Normal();
        var z2 = rng.Normal();
        var uHtn = NcdRisk.Phi(z1);
        var uDm = NcdRisk.Phi(rates.HtnDmCorrelation * z1 + Math.Sqrt(1 - rates.HtnDmCorrelation * rates.HtnDmCorrelation) * z2);
        p.HtnOnset = NcdRisk.OnsetDay(p.BirthDay, p.Sex, uHtn, diabetes: false);
        p.DmOnset = NcdRisk.OnsetDay(p.BirthDay, p.Sex, uDm, diabetes: true);
        p.HtnDiagnosis = p.HtnTreatment = p.DmDiagnosis = p.DmTreatment = Calendar.Never;
        var older = Calendar.AgeAt(p.BirthDay, CensusDay) >= 60 ? 0.1 : 0.0;

        if (p.HtnOnset != Calendar.Never)
        {
            var pDiag = (p.Sex == 2 ? rates.HtnDiagnosedFemale : rates.HtnDiagnosedMale) + older;
            if (rng.Chance(pDiag))
            {
                p.HtnDiagnosis = Clamp(p.HtnOnset + rng.Exponential(365.25 * rates.MeanYearsOnsetToDiagnosisHtn));
                if (rng.Chance(rates.HtnTreatedOfDiagnosed))
                {
                    p.HtnTreatment = Clamp(p.HtnDiagnosis + (double)rng.Int(0, 45));
                    if (rng.Chance(rates.HtnControlledOfTreated)) p.Flags |= PersonFlags.HtnControlled;
                }
            }
        }
        if (p.DmOnset != Calendar.Never)
        {
            if (rng.Chance(rates.DmDiagnosed + older))
            {
                p.DmDiagnosis = Clamp(p.DmOnset + rng.Exponential(365.25 * rates.MeanYearsOnsetToDiagnosisDm));
                if (rng.Chance(rates.DmTreatedOfDiagnosed))
                {
                    p.DmTreatment = Clamp(p.DmDiagnosis + (double)rng.Int(0, 30));
                    if (rng.Chance(rates.DmControlledOfTreated)) p.Flags |= PersonFlags.DmControlled;
                }
            }
        }
        var firstCare = Math.Min(p.HtnDiagnosis, p.DmDiagnosis);
        p.CareStop = firstCare == Calendar.Never
            ? Calendar.Never
            : Clamp(Math.Max(firstCare, Calendar.HistoryStart) + rng.Exponential(365.25 / rates.LostToFollowUpPerYear));
    }

    static int Clamp(double day) => day >= int.MaxValue - 1 ? Calendar.Never : (int)day;
}
