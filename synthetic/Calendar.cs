namespace HoSoSucKhoe.Synthetic;

/// <summary>Days are <see cref="DateOnly.DayNumber"/> values throughout the generator; these convert them.</summary>
internal static class Calendar
{
    public const int Never = int.MaxValue;
    const int UnixEpochDay = 719162; // new DateOnly(1970, 1, 1).DayNumber

    /// <summary>Encounter, lab and medication history starts here so 12-month look-backs work from 2024.</summary>
    public static readonly int HistoryStart = new DateOnly(2023, 1, 1).DayNumber;
    /// <summary>The first HSSK records (the national roll-out began in 2019).</summary>
    public static readonly int RecordsStart = new DateOnly(2019, 1, 1).DayNumber;
    /// <summary>Reference date of the simulated population (ages, the 2025 denominators).</summary>
    public static readonly DateOnly Census = new(2025, 7, 1);
    /// <summary>Moves between communes happen on a day in [MovesStart, MovesEnd).</summary>
    public static readonly int MovesStart = new DateOnly(2024, 1, 1).DayNumber, MovesEnd = new DateOnly(2027, 1, 1).DayNumber;

    public static DateOnly Date(int day) => DateOnly.FromDayNumber(day);
    public static int ToDate32(int day) => day - UnixEpochDay;
    public static long ToUnixSeconds(int day, int secondOfDay) => (long)(day - UnixEpochDay) * 86400 + secondOfDay;
    public static int DayOfUnixSeconds(long seconds) => (int)(seconds / 86400) + UnixEpochDay;

    public static DateOnly EndOfMonth(int year, int month) => new(year, month, DateTime.DaysInMonth(year, month));

    /// <summary>Completed years at <paramref name="on"/>.</summary>
    public static int AgeAt(DateOnly birth, DateOnly on)
    {
        var age = on.Year - birth.Year;
        if (on.Month < birth.Month || (on.Month == birth.Month && on.Day < birth.Day)) age--;
        return age;
    }

    public static int AgeAt(int birthDay, int day) => AgeAt(Date(birthDay), Date(day));

    /// <summary>The day a person born on <paramref name="birthDay"/> turns <paramref name="years"/> (29 Feb → 1 Mar).</summary>
    public static int Birthday(int birthDay, int years)
    {
        var b = Date(birthDay);
        var year = b.Year + years;
        if (year > 9998) return Never;
        return b.Month == 2 && b.Day == 29 && !DateTime.IsLeapYear(year)
            ? new DateOnly(year, 3, 1).DayNumber
            : new DateOnly(year, b.Month, b.Day).DayNumber;
    }
}
