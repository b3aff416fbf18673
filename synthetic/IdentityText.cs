namespace HoSoSucKhoe.Synthetic;

/// <summary>Citizen, insurance and phone numbers in their Vietnamese formats.</summary>
internal static class IdentityText
{
    static readonly string[] InsuranceGroups = ["GD", "GD", "GD", "HN", "DN", "DN", "HC", "HT", "TE", "HS", "CN", "BT", "XN"];
    static readonly string[] MobilePrefixes = ["09", "09", "09", "03", "03", "08", "07", "05"];

    /// <summary>
    /// CCCD: 3-digit birth-province code, a digit for sex and century (0/1 men/women born 19xx, 2/3 born 20xx), the
    /// 2-digit birth year and six digits. The six digits are a bijection of a per-(province, digit, year) counter,
    /// so ids never collide while a cell holds fewer than a million people.
    /// </summary>
    public static string Cccd(byte birthProvince, byte sex, DateOnly birth, int counter)
    {
        var digit = (birth.Year >= 2000 ? 2 : 0) + (sex == 2 ? 1 : 0);
        var cell = birthProvince * 1000 + digit * 100 + birth.Year % 100;
        var serial = (int)(((long)counter * 387_433 + cell * 7_919L) % 1_000_000);
        return $"0{birthProvince:D2}{digit}{birth.Year % 100:D2}{serial:D6}";
    }

    public static int CccdCell(byte birthProvince, byte sex, DateOnly birth) =>
        birthProvince * 1000 + ((birth.Year >= 2000 ? 2 : 0) + (sex == 2 ? 1 : 0)) * 100 + birth.Year % 100;

    /// <summary>Old 9-digit identity card (CMND): province prefix and a six-digit serial from a per-province counter.</summary>
    public static string Cmnd(byte birthProvince, int counter) =>
        $"0{birthProvince:D2}{(int)(((long)counter * 387_433 + birthProvince * 7_919L) % 1_000_000):D6}";

    public static int CmndCell(byte birthProvince) => -1 - birthProvince;

    /// <summary>A CCCD with a digit dropped or doubled: present but neither 9 nor 12 digits.</summary>
    public static string Malformed(ref Rng rng, string cccd) =>
        rng.Chance(0.5) ? cccd[..^1] : cccd + cccd[^1];

    /// <summary>One of the last six digits changed (a typing slip on a second record).</summary>
    public static string Mistyped(ref Rng rng, string cccd)
    {
        var chars = cccd.ToCharArray();
        var at = rng.Int(6, 12);
        chars[at] = (char)('0' + (chars[at] - '0' + rng.Int(1, 10)) % 10);
        return new string(chars);
    }

    /// <summary>15-character health-insurance card (group, benefit level, province, 10-digit social-insurance number) or the bare 10 digits.</summary>
    public static string Insurance(ref Rng rng, byte province)
    {
        var social = $"{province:D2}{rng.Digits(8)}";
        return rng.Chance(0.9) ? $"{rng.Pick(InsuranceGroups)}{rng.Int(1, 6)}{province:D2}{social}" : social;
    }

    public static string Phone(ref Rng rng) => rng.Pick(MobilePrefixes) + rng.Digits(8);
}
