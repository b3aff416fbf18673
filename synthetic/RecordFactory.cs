namespace HoSoSucKhoe.Synthetic;

/// <summary>
/// When (if ever) a person's record is created, examined and verified, and the duplicate records some people get.
/// Creation follows the commune's logistic roll-out: a person whose draw u is below the plateau P gets a record at
/// midpoint + spread · logit(u / P).
/// </summary>
internal sealed class RecordFactory(ProvinceFrame frame, GeneratorRates rates)
{
    public void Make(in Person p, int personIndex, CommuneProfile profile, List<RecordSlot> into)
    {
        var rng = Rng.Derive(p.Seed, 0x5EC0);
        var plateau = profile.Plateau * (p.Residence == 2 ? rates.MigrantCoverageFactor : 1.0);
        var u = rng.Uniform();
        var created = Calendar.Never;
        if (u < plateau)
        {
            var v = Math.Clamp(u / plateau, 1e-9, 1 - 1e-9);
            var day = profile.Midpoint + profile.SpreadDays * Math.Log(v / (1 - v));
            if (day < Calendar.RecordsStart) day = Calendar.RecordsStart + rng.Int(0, 365);
            day = Math.Max(day, p.BirthDay + rng.Int(0, 90));
            if (day < p.DeathDay && day < Calendar.Never - 1) created = (int)day;
        }
        if (created == Calendar.Never) return;

        var primary = Slot(ref rng, p, personIndex, RecordKind.Primary, created);
        primary.Exam = rng.Chance(profile.ExamShare)
            ? BeforeDeath(rng.Chance(0.5) ? created : created + (int)rng.Exponential(120), p)
            : Calendar.Never;
        primary.Verify = Verify(ref rng, p.Citizen, created, profile);
        primary.Flags |= Content(ref rng, p);
        Move(ref primary, p);
        into.Add(primary);

        if (p.Citizen != CitizenKind.Missing && rng.Chance(profile.DuplicateRate))
        {
            var dup = Slot(ref rng, p, personIndex, RecordKind.DuplicateCitizen, created + rng.Int(30, 900));
            if (rng.Chance(rates.DuplicateInOtherCommune) && frame.Communes.Length > 1)
            {
                var other = rng.Int(0, frame.Communes.Length - 1);
                dup.Commune = other >= p.Commune ? other + 1 : other;
                var (legacy, cumulative) = frame.Candidates[dup.Commune];
                dup.Legacy = legacy.Length == 0 ? -1 : legacy[rng.PickCumulative(cumulative)];
                if (dup.UnknownWard >= 0) dup.Commune = dup.Legacy = -1;
            }
            dup.Exam = rng.Chance(0.2) ? BeforeDeath(dup.Created + (int)rng.Exponential(60), p) : Calendar.Never;
            dup.Verify = Verify(ref rng, p.Citizen, dup.Created, profile);
            dup.Spelling = rng.Chance(0.8) ? NameSpelling.Normal : Variant(ref rng);
            if (dup.Created < p.DeathDay) into.Add(dup);
        }
        if (p.Has(PersonFlags.BirthDateKnown) && rng.Chance(rates.ProbableDuplicate))
        {
            var probable = Slot(ref rng, p, personIndex, RecordKind.ProbableDuplicate, created + rng.Int(30, 900));
            probable.Spelling = rng.Chance(0.5) ? NameSpelling.Normal : Variant(ref rng);
            probable.Exam = Calendar.Never;
            probable.Verify = Calendar.Never; // no citizen id, or a mistyped one: never matches the national database
            if (primary.Spelling != NameSpelling.Missing && probable.Created < p.DeathDay) into.Add(probable);
        }
    }

    RecordSlot Slot(ref Rng rng, in Person p, int personIndex, RecordKind kind, int created)
    {
        var slot = new RecordSlot
        {
            Seed = Rng.Mix(p.Seed ^ ((ulong)kind + 1) * 0x632BE59BD9B4E019UL),
            Person = personIndex,
            Commune = p.Commune,
            Legacy = p.Legacy,
            Created = created,
            Exam = Calendar.Never,
            Verify = Calendar.Never,
            MoveDay = Calendar.Never,
            UnknownWard = -1,
            Kind = kind,
            Spelling = rng.Chance(rates.MissingName) ? NameSpelling.Missing : NameSpelling.Normal,
        };
        if (rng.Chance(rates.UnknownWard))
        {
            slot.UnknownWard = (sbyte)rng.Int(0, ProvinceFrame.UnknownWardCodes.Length);
            slot.Commune = slot.Legacy = -1;
        }
        if (rng.Chance(rates.MissingInsurance)) slot.Flags |= RecordFlags.NoInsurance;
        if (rng.Chance(rates.MissingPhone)) slot.Flags |= RecordFlags.NoPhone;
        if (rng.Chance(rates.MissingUpdatedDate)) slot.Flags |= RecordFlags.NoUpdatedDate;
        return slot;
    }

    /// <summary>A move to another commune of the province, from its own stream (so that adding moves changed no other
    /// draw). Records of an unknown ward, and provinces of one commune, never move.</summary>
    void Move(ref RecordSlot slot, in Person p)
    {
        if (slot.UnknownWard >= 0 || frame.Communes.Length < 2) return;
        var rng = Rng.Derive(slot.Seed, 0x4D0E);
        if (!rng.Chance(rates.MoveCommune)) return;
        var day = rng.Int(Math.Max(Calendar.MovesStart, slot.Created + 30), Math.Max(Calendar.MovesEnd, slot.Created + 31));
        if (day >= p.DeathDay) return;
        var other = rng.Int(0, frame.Communes.Length - 1);
        var commune = other >= slot.Commune ? other + 1 : other;
        var (legacy, cumulative) = frame.Candidates[commune];
        if (legacy.Length == 0) return;
        slot.MoveDay = day;
        slot.MoveCommune = commune;
        slot.MoveLegacy = legacy[rng.PickCumulative(cumulative)];
    }

    RecordFlags Content(ref Rng rng, in Person p)
    {
        var f = RecordFlags.None;
        if (rng.Chance(rates.HistoryFilledOfExamined)) f |= RecordFlags.HistoryFilled;
        if (rng.Chance(rates.PartialHistory)) f |= RecordFlags.PartialHistory;
        if (rng.Chance(rates.AnthropometricsOfExamined)) f |= RecordFlags.Anthropometrics;
        if (rng.Chance(rates.BloodGroupOfExamined)) f |= RecordFlags.BloodGroup;
        var child = Calendar.AgeAt(p.BirthDay, Calendar.Census.DayNumber) < 16;
        if (rng.Chance(child ? rates.VaccinationChild : rates.VaccinationAdult)) f |= RecordFlags.Vaccination;
        return f;
    }

    int Verify(ref Rng rng, CitizenKind citizen, int created, CommuneProfile profile)
    {
        var p = citizen switch
        {
            CitizenKind.Cccd => profile.VerifyProbability,
            CitizenKind.Cmnd => profile.VerifyProbability * rates.CmndVerifyFactor,
            _ => 0,
        };
        return rng.Chance(p) ? created + (int)rng.Exponential(profile.VerifyDelayDays) : Calendar.Never;
    }

    static int BeforeDeath(int day, in Person p) => day < p.DeathDay ? day : Calendar.Never;

    static NameSpelling Variant(ref Rng rng) => (NameSpelling)rng.Int(1, 4);
}
