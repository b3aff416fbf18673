namespace HoSoSucKhoe.Warehouse.Xml130;

/// <summary>The date forms of QĐ 130 (docs/xml130.md): <c>yyyyMMddHHmm</c> times, <c>yyyyMMdd</c> days, and birth dates
/// whose unknown day and month are written <c>0000</c>.</summary>
internal static class Xml130Dates
{
    /// <summary>Seconds since 1970-01-01 of a 12-character time; false when the text is not such a time or the date does
    /// not exist (31/02, 25:00).</summary>
    public static bool TryTime(ReadOnlySpan<char> s, out long seconds)
    {
        seconds = 0;
        s = s.Trim();
        if (s.Length == 8 && TryDay(s, out var d)) { seconds = Seconds(d, 0, 0); return true; }
        if (s.Length != 12 || !Digits(s)) return false;
        if (!TryDay(s[..8], out var day)) return false;
        var hour = Num(s.Slice(8, 2));
        var minute = Num(s.Slice(10, 2));
        if (hour > 23 || minute > 59) return false;
        seconds = Seconds(day, hour, minute);
        return true;
    }

    public static bool TryDay(ReadOnlySpan<char> s, out DateOnly day)
    {
        day = default;
        if (s.Length != 8 || !Digits(s)) return false;
        int y = Num(s[..4]), m = Num(s.Slice(4, 2)), d = Num(s.Slice(6, 2));
        if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1 || d > DateTime.DaysInMonth(y, m)) return false;
        day = new DateOnly(y, m, d);
        return true;
    }

    /// <summary>NGAY_SINH: a full date (time ignored), or the year only (<c>yyyy0000…</c>).</summary>
    public static bool TryBirth(ReadOnlySpan<char> s, out short year, out DateOnly? date)
    {
        year = 0;
        date = null;
        s = s.Trim();
        if (s.Length is not (8 or 12) || !Digits(s)) return false;
        var y = Num(s[..4]);
        if (y < 1880 || y > 2100) return false;
        year = (short)y;
        if (s.Slice(4, 4) is "0000") return true;
        if (!TryDay(s[..8], out var d)) return false;
        date = d;
        return true;
    }

    public static long Seconds(DateOnly day, int hour, int minute) =>
        (long)(day.DayNumber - Epoch) * 86400 + hour * 3600 + minute * 60;

    public static DateOnly DayOf(long seconds) => DateOnly.FromDayNumber(Epoch + (int)Math.Floor(seconds / 86400.0));

    static readonly int Epoch = new DateOnly(1970, 1, 1).DayNumber;

    static bool Digits(ReadOnlySpan<char> s)
    {
        foreach (var c in s) if (!char.IsAsciiDigit(c)) return false;
        return true;
    }

    static int Num(ReadOnlySpan<char> s)
    {
        var n = 0;
        foreach (var c in s) n = n * 10 + (c - '0');
        return n;
    }
}
