using System.Text;
using System.Text.Json.Nodes;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;
using HoSoSucKhoe.Warehouse.Snapshots;

namespace HoSoSucKhoe.Bench;

/// <summary>
/// Mutations of the fuzzer's valid inputs (<see cref="FuzzInputs"/>): byte-level (bit flips, inserted, deleted,
/// overwritten or repeated bytes, truncation, invalid UTF-8, huge runs) and structure-aware per format (manifest keys,
/// Arrow columns and values, CSV cells and columns, XML elements, DTDs and base64). Each returns the name of what it did.
/// </summary>
public static class FuzzMutators
{
    static readonly byte[][] BadUtf8 = [[0xC3, 0x28], [0xFF], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xE2, 0x82], [0xC0, 0xAF], [0x00]];

    // ---- bytes ---------------------------------------------------------------------------------------------------

    /// <summary>One byte-level mutation of <paramref name="data"/> (returns the new bytes and its name).</summary>
    public static (byte[] Data, string Name) Bytes(Random rng, byte[] data, bool allowHuge = true)
    {
        var d = new List<byte>(data);
        int Pos() => d.Count == 0 ? 0 : rng.Next(d.Count);
        switch (rng.Next(allowHuge ? 10 : 9))
        {
            case 0:
            {
                var flips = 1 + rng.Next(rng.Next(2) == 0 ? 2 : 16);
                for (var k = 0; k < flips && d.Count > 0; k++) { var p = Pos(); d[p] ^= (byte)(1 << rng.Next(8)); }
                return (d.ToArray(), $"bit flips ×{flips}");
            }
            case 1:
            {
                var p = Pos(); var n = 1 + rng.Next(16);
                var ins = new byte[n]; rng.NextBytes(ins);
                d.InsertRange(Math.Min(p, d.Count), ins);
                return (d.ToArray(), $"insert {n} bytes");
            }
            case 2:
            {
                var p = Pos(); var n = Math.Min(1 + rng.Next(32), d.Count - p);
                if (n > 0) d.RemoveRange(p, n);
                return (d.ToArray(), $"delete {n} bytes");
            }
            case 3:
            {
                var keep = d.Count == 0 ? 0 : rng.Next(d.Count);
                return (d.Take(keep).ToArray(), $"truncate to {keep} bytes");
            }
            case 4:
            {
                var p = Pos(); var n = Math.Min(1 + rng.Next(64), d.Count - p);
                var fill = rng.Next(3) switch { 0 => (byte)0, 1 => (byte)0xFF, _ => (byte)rng.Next(256) };
                for (var k = 0; k < n; k++) d[p + k] = fill;
                return (d.ToArray(), $"overwrite {n} bytes with 0x{fill:X2}");
            }
            case 5:
            {
                var p = Pos(); var n = Math.Min(1 + rng.Next(256), d.Count - p);
                var block = d.GetRange(p, Math.Max(0, n));
                d.InsertRange(Math.Min(p + n, d.Count), block);
                return (d.ToArray(), $"repeat {n} bytes");
            }
            case 6:
            {
                var bad = BadUtf8[rng.Next(BadUtf8.Length)];
                d.InsertRange(Math.Min(Pos(), d.Count), bad);
                return (d.ToArray(), "invalid UTF-8");
            }
            case 7:
            {
                // Interesting integers over 4 aligned bytes (lengths, offsets, counts in binary formats).
                var p = Pos() & ~3;
                var v = rng.Next(5) switch { 0 => int.MaxValue, 1 => -1, 2 => int.MinValue, 3 => 0x7FFF, _ => rng.Next() };
                var b = BitConverter.GetBytes(v);
                for (var k = 0; k < 4 && p + k < d.Count; k++) d[p + k] = b[k];
                return (d.ToArray(), $"int32 {v} at {p}");
            }
            case 8:
            {
                var p = Pos(); var q = Pos();
                if (p > q) (p, q) = (q, p);
                var n = Math.Min(1 + rng.Next(64), d.Count - q);
                if (n <= 0 || p + n > q) return (d.ToArray(), "swap (none)");
                for (var k = 0; k < n; k++) (d[p + k], d[q + k]) = (d[q + k], d[p + k]);
                return (d.ToArray(), $"swap {n} bytes");
            }
            default:
            {
                var n = (1 + rng.Next(4)) << 20;
                var p = Pos();
                d.InsertRange(Math.Min(p, d.Count), Enumerable.Repeat((byte)'A', n));
                return (d.ToArray(), $"insert {n >> 20} MiB");
            }
        }
    }

    static string HugeString(Random rng) => new((char)('a' + rng.Next(26)), (1 + rng.Next(4)) << (rng.Next(2) == 0 ? 10 : 20));

    // ---- manifest.json -------------------------------------------------------------------------------------------

    static readonly string[] ManifestKeys = ["format", "snapshot_id", "province_code", "as_of", "admin_codes", "source", "files"];

    /// <summary>Mutates the manifest text (structure-aware two cases in three, bytes otherwise).</summary>
    public static (byte[] Data, string Name) Manifest(Random rng, string manifest, string loadedId)
    {
        var (text, name) = ManifestText(rng, manifest, loadedId);
        return text is null ? Bytes(rng, Encoding.UTF8.GetBytes(manifest)) is var (b, n) ? (b, "bytes: " + n) : default : (Encoding.UTF8.GetBytes(text), name);
    }

    static (string? Text, string Name) ManifestText(Random rng, string manifest, string loadedId)
    {
        if (rng.Next(3) == 0) return (null, "");
        var root = JsonNode.Parse(manifest)!.AsObject();
        var files = root["files"]!.AsObject();
        var fileNames = SnapshotContract.Files.Select(f => f.Name).ToArray();
        string what;
        switch (rng.Next(16))
        {
            case 0: { var k = ManifestKeys[rng.Next(ManifestKeys.Length)]; root.Remove(k); what = $"remove {k}"; break; }
            case 1: { var k = ManifestKeys[rng.Next(ManifestKeys.Length)]; root[k] = WrongType(rng); what = $"wrong type {k}"; break; }
            case 2:
            {
                var f = fileNames[rng.Next(fileNames.Length)];
                var rows = files[f]!["rows"]!.GetValue<long>();
                JsonNode v = rng.Next(8) switch
                {
                    0 => rows + 1, 1 => rows - 1, 2 => -1, 3 => long.MaxValue, 4 => JsonValue.Create(1e30), 5 => JsonValue.Create(2.5), 6 => "12", _ => 0,
                };
                files[f]!["rows"] = v;
                what = $"rows of {f} = {v.ToJsonString()}";
                break;
            }
            case 3:
            {
                var f = fileNames[rng.Next(fileNames.Length)];
                var sha = files[f]!["sha256"]!.GetValue<string>();
                var v = rng.Next(6) switch
                {
                    0 => sha.ToUpperInvariant(), 1 => sha[..63], 2 => sha + "0", 3 => new string('0', 64), 4 => "zz" + sha[2..], _ => sha[1..] + sha[0],
                };
                files[f]!["sha256"] = v;
                what = $"sha256 of {f}";
                break;
            }
            case 4: { var f = fileNames[rng.Next(fileNames.Length)]; files.Remove(f); what = $"remove files.{f}"; break; }
            case 5:
            {
                var v = rng.Next(10) switch
                {
                    0 => loadedId, 1 => "../../etc", 2 => HugeString(rng), 3 => "", 4 => "ảnh-chụp", 5 => "a b", 6 => "x;DROP TABLE fact_record",
                    7 => "01-2025-09-30\u0000", 8 => "CON", _ => "fz-" + rng.Next(1000),
                };
                root["snapshot_id"] = v;
                what = $"snapshot_id '{(v.Length > 40 ? v[..20] + "…" : v)}'";
                break;
            }
            case 6:
            {
                var v = rng.Next(7) switch { 0 => "99", 1 => "1", 2 => "001", 3 => "79", 4 => "٠١", 5 => "0x", _ => "20" };
                root["province_code"] = v;
                what = $"province_code '{v}'";
                break;
            }
            case 7:
            {
                var v = rng.Next(10) switch
                {
                    0 => "2025-02-30", 1 => "9999-12-31", 2 => "0001-01-01", 3 => "2025-9-30", 4 => "30/09/2025", 5 => "2025-06-30",
                    6 => "2025-07-01", 7 => "2025-09-30T00:00:00", 8 => "2026-01-15", _ => "",
                };
                root["as_of"] = v;
                what = $"as_of '{v}'";
                break;
            }
            case 8: { var v = rng.Next(4) switch { 0 => "legacy", 1 => "2024", 2 => "LEGACY", _ => " 2025" }; root["admin_codes"] = v; what = $"admin_codes '{v}'"; break; }
            case 9: { var v = rng.Next(3) switch { 0 => "hssk-snapshot/2", 1 => "HSSK-SNAPSHOT/1", _ => "" }; root["format"] = v; what = $"format '{v}'"; break; }
            case 10: { root["source"] = rng.Next(2) == 0 ? HugeString(rng) : "nguồn <b>thử</b> \"quote\""; what = "source text"; break; }
            case 11: { files["extra.arrow"] = new JsonObject { ["rows"] = 1, ["sha256"] = new string('a', 64) }; root["extra_key"] = 1; what = "extra keys"; break; }
            case 12:
            {
                // The same key twice (the reader sees the last one).
                var k = ManifestKeys[rng.Next(ManifestKeys.Length - 1)];
                var text = root.ToJsonString();
                return (text.Insert(1, $"\"{k}\":{WrongType(rng).ToJsonString()},"), $"duplicate key {k}");
            }
            case 13:
            {
                var depth = rng.Next(2) == 0 ? 70 : 5000;
                root["source"] = null;
                var text = root.ToJsonString().Replace("\"source\":null", "\"source\":" + new string('[', depth) + new string(']', depth));
                return (text, $"nesting depth {depth}");
            }
            case 14: { files[fileNames[rng.Next(fileNames.Length)]] = WrongType(rng); what = "file entry of wrong type"; break; }
            default:
            {
                var text = root.ToJsonString();
                return rng.Next(4) switch
                {
                    0 => ("\uFEFF" + text, "BOM"),
                    1 => (text + "\n{}", "trailing content"),
                    2 => ("[" + text + "]", "array root"),
                    _ => (text.Replace(",", ",\n// comment\n"), "comments"),
                };
            }
        }
        return (root.ToJsonString(), what);
    }

    static JsonNode WrongType(Random rng) => rng.Next(5) switch
    {
        0 => JsonValue.Create(42)!, 1 => JsonValue.Create(true)!, 2 => new JsonArray(1, 2), 3 => new JsonObject { ["a"] = 1 }, _ => JsonValue.Create("")!,
    };

    // ---- Arrow files ---------------------------------------------------------------------------------------------

    /// <summary>Mutates one Arrow file of the snapshot folder in place; returns the file and what was done. Structure-aware
    /// mutations rewrite the file from its columns; byte-level ones change its bytes.</summary>
    public static (string File, string Name, bool RowsChanged) Arrow(Random rng, string folder)
    {
        var file = SnapshotContract.Files[rng.Next(10) switch { < 4 => 0, < 7 => 1, < 9 => 2, _ => 3 }];
        var path = Path.Combine(folder, file.Name);
        if (rng.Next(2) == 0)
        {
            var (bytes, name) = Bytes(rng, File.ReadAllBytes(path), allowHuge: rng.Next(8) == 0);
            File.WriteAllBytes(path, bytes);
            return (file.Name, "bytes: " + name, false);
        }
        var columns = FuzzInputs.Tables()[file.Name];
        var what = ArrowStructure(rng, file, columns, out var batches);
        FuzzInputs.WriteArrow(path, columns, batches);
        return (file.Name, what, true);
    }

    static string ArrowStructure(Random rng, ContractFile file, List<FuzzColumn> columns, out int batches)
    {
        batches = rng.Next(4) == 0 ? 1 + rng.Next(5) : 1;
        var c = columns[rng.Next(columns.Count)];
        var rows = c.Values.Count;
        int Row() => rows == 0 ? 0 : rng.Next(rows);
        switch (rng.Next(14))
        {
            case 0:
            {
                IArrowType[] types = [StringType.Default, Int16Type.Default, Int8Type.Default, Int32Type.Default, Int64Type.Default, FloatType.Default,
                    DoubleType.Default, Date32Type.Default, BooleanType.Default, new TimestampType(TimeUnit.Millisecond, "Asia/Ho_Chi_Minh"),
                    new TimestampType(TimeUnit.Microsecond, (string?)null)];
                var t = types[rng.Next(types.Length)];
                c.Type = t;
                if (t is StringType) c.Values = c.Values.Select(v => v is null ? null : (object?)Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture)).ToList();
                else if (t is TimestampType) c.Values = c.Values.Select(v => v as DateTime? ?? (object?)new DateTime(2025, 9, 1)).Select(v => v).ToList();
                else if (t is Date32Type) c.Values = c.Values.Select(v => v is DateOnly ? v : (object?)new DateOnly(2025, 9, 1)).ToList();
                else if (t is BooleanType) c.Values = c.Values.Select(v => v is bool ? v : (object?)true).ToList();
                else c.Values = c.Values.Select(v => v is string s && int.TryParse(s, out var n) ? n : v is IConvertible && v is not string and not DateTime and not DateOnly ? v : (object?)1).ToList();
                return $"{c.Name} as {t.Name}";
            }
            case 1: { var old = c.Name; c.Name = c.Name.ToUpperInvariant() + (rng.Next(2) == 0 ? "" : "_x"); return $"rename {old}"; }
            case 2:
            {
                var other = columns[rng.Next(columns.Count)];
                (c.Name, other.Name) = (other.Name, c.Name);
                return $"swap names {c.Name}/{other.Name}";
            }
            case 3: { columns.Remove(c); return $"drop {c.Name}"; }
            case 4:
            {
                var r = Row();
                if (rows > 0) c.Values[r] = null;
                c.Nullable = rng.Next(2) == 0;
                return $"null {c.Name} row {r + 1}";
            }
            case 5:
            {
                // Out-of-range values of the column's own type.
                var r = Row();
                if (rows == 0) return "empty";
                c.Values[r] = c.Type switch
                {
                    Int16Type => rng.Next(3) switch { 0 => short.MinValue, 1 => short.MaxValue, _ => (short)-1 },
                    Int8Type => rng.Next(3) switch { 0 => sbyte.MinValue, 1 => sbyte.MaxValue, _ => (sbyte)9 },
                    Date32Type => rng.Next(3) switch { 0 => (object)0, 1 => DateOnly.MaxValue.DayNumber, _ => new DateOnly(2099, 1, 1) },
                    TimestampType => rng.Next(3) switch { 0 => DateTime.MinValue, 1 => DateTime.MaxValue, _ => new DateTime(1900, 1, 1) },
                    FloatType => rng.Next(4) switch { 0 => float.NaN, 1 => float.PositiveInfinity, 2 => -1f, _ => float.MaxValue },
                    BooleanType => null,
                    _ => rng.Next(6) switch { 0 => "ABCDE", 1 => "1234", 2 => "999999", 3 => "", 4 => " 00004", _ => "Z99.9.9" },
                };
                return $"out of range {c.Name} row {r + 1}";
            }
            case 6:
            {
                var strings = columns.Where(x => x.Type is StringType).ToList();
                var s = strings[rng.Next(strings.Count)];
                var r = Row();
                if (rows > 0) s.Values[r] = HugeString(rng);
                return $"huge {s.Name} row {r + 1}";
            }
            case 7:
            {
                var strings = columns.Where(x => x.Type is StringType).ToList();
                var s = strings[rng.Next(strings.Count)];
                var r = Row();
                if (rows > 0) s.Values[r] = (byte[])[.. Encoding.UTF8.GetBytes("ab"), .. BadUtf8[rng.Next(BadUtf8.Length)], .. Encoding.UTF8.GetBytes("cd")];
                return $"invalid UTF-8 {s.Name} row {r + 1}";
            }
            case 8:
            {
                // Duplicate a row (a duplicated key in persons/encounters).
                var r = Row();
                if (rows > 0) foreach (var col in columns) col.Values.Add(col.Values[r]);
                return $"duplicate row {r + 1}";
            }
            case 9:
            {
                var key = columns.FirstOrDefault(x => x.Name is "record_id" or "encounter_id");
                var r = Row();
                if (key is not null && rows > 0) key.Values[r] = "KHONGCO" + r;
                return $"orphan {key?.Name} row {r + 1}";
            }
            case 10: { foreach (var col in columns) col.Values.Clear(); return "zero rows"; }
            case 11: { columns.Add(new FuzzColumn("extra_" + rng.Next(100), Int32Type.Default, true, Enumerable.Range(0, rows).Select(i => (object?)i).ToList())); return "extra column"; }
            case 12:
            {
                var i = rng.Next(columns.Count); var j = rng.Next(columns.Count);
                (columns[i], columns[j]) = (columns[j], columns[i]);
                return "reorder columns";
            }
            default:
            {
                // Shorter column than the others (written as nulls) or many batches only.
                batches = 2 + rng.Next(6);
                if (rows > 1 && rng.Next(2) == 0) c.Values.RemoveAt(rows - 1);
                return $"{batches} batches";
            }
        }
    }

    /// <summary>Rewrites the manifest's row count and checksum of <paramref name="file"/> to match the file on disk.</summary>
    public static void Recompute(string folder, string file, bool rows)
    {
        var path = Path.Combine(folder, Warehouse.Snapshots.Manifest.FileName);
        var root = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        var entry = root["files"]![file]!.AsObject();
        entry["sha256"] = FuzzInputs.Sha(Path.Combine(folder, file));
        if (rows)
        {
            try
            {
                using var reader = new ArrowFileReader(File.OpenRead(Path.Combine(folder, file)));
                long n = 0;
                while (reader.ReadNextRecordBatch() is { } b) { n += b.Length; b.Dispose(); }
                entry["rows"] = n;
            }
            catch (Exception e) when (e is not OutOfMemoryException) { } // unreadable: keep the declared count
        }
        File.WriteAllText(path, root.ToJsonString());
    }

    // ---- population CSV ------------------------------------------------------------------------------------------

    public static (byte[] Data, string Name) Csv(Random rng, string csv)
    {
        if (rng.Next(3) == 0)
        {
            var (bytes, name) = Bytes(rng, Encoding.UTF8.GetBytes(csv));
            return (bytes, "bytes: " + name);
        }
        var lines = csv.TrimEnd('\n').Split('\n').Select(l => l.Split(',').ToList()).ToList();
        int DataRow() => 1 + rng.Next(lines.Count - 1);
        int Col() => rng.Next(lines[0].Count);
        string what;
        switch (rng.Next(14))
        {
            case 0: { var a = Col(); var b = Col(); foreach (var l in lines) if (a < l.Count && b < l.Count) (l[a], l[b]) = (l[b], l[a]); what = "swap columns"; break; }
            case 1: { var a = Col(); var b = Col(); var l = lines[DataRow()]; (l[a], l[b]) = (l[b], l[a]); what = "swap cells of a row"; break; }
            case 2: { var l = lines[0]; (l[0], l[1]) = (l[1], l[0]); what = "swap header names only"; break; }
            case 3:
            {
                var r = DataRow(); var k = 1 + rng.Next(3);
                var v = rng.Next(12) switch
                {
                    0 => "abc", 1 => "-5", 2 => "12.5", 3 => "1e6", 4 => "99999999999999999999", 5 => "9223372036854775807", 6 => "", 7 => " 12 ",
                    8 => "١٢٣", 9 => "0x10", 10 => "1.234", _ => "+7",
                };
                lines[r][k] = v;
                what = $"cell {lines[0][k]} row {r + 1} = '{v}'";
                break;
            }
            case 4:
            {
                var r = DataRow();
                var v = rng.Next(8) switch { 0 => "1989", 1 => "2101", 2 => "0", 3 => "65536", 4 => "2024", 5 => "2025", 6 => "20 25", _ => "năm" };
                lines[r][1] = v;
                what = $"year row {r + 1} = '{v}'";
                break;
            }
            case 5:
            {
                var r = DataRow();
                var v = rng.Next(7) switch { 0 => "99999", 1 => "", 2 => "0000", 3 => HugeString(rng), 4 => "\"00004\"", 5 => "00004\t", _ => "'00004" };
                lines[r][0] = v;
                what = $"ward_code row {r + 1}";
                break;
            }
            case 6: { var r = DataRow(); lines[r].RemoveAt(Col()); what = $"missing cell row {r + 1}"; break; }
            case 7: { var r = DataRow(); lines[r].Add("7"); what = $"extra cell row {r + 1}"; break; }
            case 8: { var r = DataRow(); lines.Insert(r, [.. lines[r]]); what = $"duplicate row {r + 1}"; break; }
            case 9:
            {
                var k = Col(); var name = lines[0][k];
                if (rng.Next(2) == 0) { foreach (var l in lines) if (k < l.Count) l.RemoveAt(k); what = $"drop column {name}"; }
                else { lines[0].Add(name); foreach (var l in lines.Skip(1)) l.Add(l[k]); what = $"duplicate column {name}"; }
                break;
            }
            case 10:
            {
                // The optional age_band and sex columns (alone or together, with bad values).
                var both = rng.Next(3) != 0;
                lines[0].Add("age_band"); if (both) lines[0].Add("sex");
                var bands = new[] { "0-4", "80+", "5-9", "100+", "", "0–4" };
                foreach (var l in lines.Skip(1)) { l.Add(bands[rng.Next(bands.Length)]); if (both) l.Add(rng.Next(4).ToString(System.Globalization.CultureInfo.InvariantCulture)); }
                what = both ? "age_band and sex" : "age_band without sex";
                break;
            }
            case 11:
            {
                var v = long.MaxValue - rng.Next(3);
                foreach (var l in lines.Skip(1).Take(2 + rng.Next(3))) l[2] = v.ToString(System.Globalization.CultureInfo.InvariantCulture);
                what = "populations near long.MaxValue";
                break;
            }
            case 12: { var r = DataRow(); lines[r][rng.Next(lines[r].Count)] = "\"un,closed"; what = $"unbalanced quote row {r + 1}"; break; }
            default:
            {
                var text = string.Join("\n", lines.Select(l => string.Join(",", l)));
                return rng.Next(5) switch
                {
                    0 => (Encoding.UTF8.GetBytes(text.Replace("\n", "\r\n")), "CRLF"),
                    1 => (Encoding.UTF8.GetBytes("\uFEFF" + text.ToUpperInvariant()), "BOM, upper-case header"),
                    2 => (Encoding.UTF8.GetBytes(lines[0].Aggregate((a, b) => a + "," + b)), "header only"),
                    3 => ([], "empty file"),
                    _ => (Encoding.UTF8.GetBytes(text.Replace(",", ";")), "semicolons"),
                };
            }
        }
        return (Encoding.UTF8.GetBytes(string.Join("\n", lines.Select(l => string.Join(",", l))) + "\n"), what);
    }

    // ---- XML 130 envelopes ---------------------------------------------------------------------------------------

    public static (byte[] Data, string Name) Xml(Random rng)
    {
        var hosos = FuzzInputs.Hosos();
        if (rng.Next(4) == 0)
        {
            var (bytes, name) = Bytes(rng, Encoding.UTF8.GetBytes(FuzzInputs.Envelope(hosos)), allowHuge: rng.Next(4) == 0);
            return (bytes, "bytes: " + name);
        }
        var h = rng.Next(hosos.Count);
        var hoso = hosos[h];
        string Envelope() => FuzzInputs.Envelope(hosos);
        switch (rng.Next(16))
        {
            case 0:
            {
                var t = Envelope();
                var dtd = rng.Next(4) switch
                {
                    0 => "<!DOCTYPE GIAMDINHHS [<!ENTITY a \"xxxxxxxxxx\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">" +
                         "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\"><!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\"><!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">" +
                         "<!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\"><!ENTITY h \"&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;\">]>",
                    1 => "<!DOCTYPE GIAMDINHHS [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>",
                    2 => "<!DOCTYPE GIAMDINHHS SYSTEM \"http://127.0.0.1:9/evil.dtd\">",
                    _ => "<!DOCTYPE GIAMDINHHS [<!ENTITY % p SYSTEM \"file:///etc/hostname\"> %p;]>",
                };
                var use = rng.Next(2) == 0 ? "&h;" : "&xxe;";
                t = t.Replace("<GIAMDINHHS ", dtd + "\n<GIAMDINHHS ").Replace("<MACSKCB>01001", "<MACSKCB>01001" + use);
                return (Encoding.UTF8.GetBytes(t), "envelope DTD / entities");
            }
            case 1:
            {
                // A DTD with entities inside an inner file (XML1), base64-encoded.
                var dtd = rng.Next(2) == 0
                    ? "<!DOCTYPE TONG_HOP [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]>"
                    : "<!DOCTYPE TONG_HOP [<!ENTITY c SYSTEM \"file:///etc/passwd\">]>";
                hoso[0] = ("XML1", dtd + hoso[0].Content.Replace("<HO_TEN>", "<HO_TEN>&c;"));
                return (Encoding.UTF8.GetBytes(Envelope()), "inner DTD / entities");
            }
            case 2:
            {
                var depth = rng.Next(3) switch { 0 => 100, 1 => 10_000, _ => 200_000 };
                var inner = rng.Next(2) == 0;
                var nest = new string('x', 0);
                var open = string.Concat(Enumerable.Repeat("<N>", depth));
                var close = string.Concat(Enumerable.Repeat("</N>", depth));
                if (inner) { hoso[0] = ("XML1", hoso[0].Content.Replace("</TONG_HOP>", open + close + "</TONG_HOP>")); return (Encoding.UTF8.GetBytes(Envelope()), $"inner nesting {depth}"); }
                return (Encoding.UTF8.GetBytes(Envelope().Replace("<HOSO>", "<HOSO>" + open + close + nest)), $"envelope nesting {depth}");
            }
            case 3:
            {
                var size = (1 + rng.Next(8)) << 20;
                var big = new string('9', size);
                return rng.Next(3) switch
                {
                    0 => (Encoding.UTF8.GetBytes(Envelope().Replace("<CHUKYDONVI/>", $"<CHUKYDONVI>{big}</CHUKYDONVI>")), $"huge unread element {size >> 20} MiB"),
                    1 => (Encoding.UTF8.GetBytes(Envelope().Replace("<MACSKCB>01001", "<MACSKCB>" + big)), $"huge MACSKCB {size >> 20} MiB"),
                    _ => (Encoding.UTF8.GetBytes(FuzzInputs.Envelope(SetField(hosos, h, "HO_TEN", big))), $"huge HO_TEN {size >> 20} MiB"),
                };
            }
            case 4:
            {
                var t = Envelope();
                var b64 = FuzzInputs.Encode(hoso[0].Content);
                var bad = rng.Next(6) switch
                {
                    0 => b64[..(b64.Length - 3)], 1 => b64.Insert(b64.Length / 2, "!@#"), 2 => b64 + "====", 3 => "", 4 => "@@@@", _ => b64.Replace('A', '-'),
                };
                return (Encoding.UTF8.GetBytes(t.Replace(b64, bad)), "bad base64 of XML1");
            }
            case 5:
            {
                // Inner file bytes mutated (the base64 of what is then not UTF-8 / not XML).
                var (bytes, name) = Bytes(rng, Encoding.UTF8.GetBytes("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n" + hoso[0].Content), allowHuge: false);
                var t = Envelope().Replace(FuzzInputs.Encode(hoso[0].Content), Convert.ToBase64String(bytes));
                return (Encoding.UTF8.GetBytes(t), "inner XML1 bytes: " + name);
            }
            case 6:
            {
                string[] fields = ["MA_LK", "NGAY_VAO", "NGAY_RA", "NGAY_SINH", "MA_BENH_CHINH", "MA_BENH_KT", "MA_LOAI_KCB", "MA_CSKCB", "GIOI_TINH", "CAN_NANG", "SO_CCCD", "MAXA_CU_TRU", "MA_THE_BHYT"];
                var f = fields[rng.Next(fields.Length)];
                var v = rng.Next(14) switch
                {
                    0 => "", 1 => "20251340", 2 => "202502301200", 3 => "999912312359", 4 => "abc", 5 => "-1", 6 => "1e9", 7 => "Z99.99.99",
                    8 => "00000000000000000000", 9 => "<![CDATA[" + "\uFFFF" + "]]>", 10 => "190001010000", 11 => "210001010000", 12 => "I10;;;", _ => " ",
                };
                return (Encoding.UTF8.GetBytes(FuzzInputs.Envelope(SetField(hosos, h, f, v))), $"XML1 {f} = '{v}'");
            }
            case 7: { hosos[h] = [.. hoso.Where(x => x.Type != "XML1")]; return (Encoding.UTF8.GetBytes(Envelope()), "HOSO without XML1"); }
            case 8: { hoso.Add(hoso[0]); return (Encoding.UTF8.GetBytes(Envelope()), "XML1 twice"); }
            case 9:
            {
                // Same MA_LK in two HOSO (a correction), or a child row of another MA_LK.
                var other = (h + 1) % hosos.Count;
                return rng.Next(2) == 0
                    ? (Encoding.UTF8.GetBytes(FuzzInputs.Envelope(SetField(hosos, other, "MA_LK", $"FZ{h + 1:D6}"))), "duplicate MA_LK")
                    : (Encoding.UTF8.GetBytes(Envelope().Replace(FuzzInputs.Encode(FuzzInputs.Xml2($"FZ{h + 1:D6}")), FuzzInputs.Encode(FuzzInputs.Xml2("KHAC")))), "child row of another MA_LK");
            }
            case 10:
            {
                var t = Envelope();
                return rng.Next(5) switch
                {
                    0 => (Encoding.UTF8.GetBytes(t.Replace("GIAMDINHHS", "GIAMDINH")), "wrong root"),
                    1 => (Encoding.UTF8.GetBytes(t.Replace("<LOAIHOSO>XML1</LOAIHOSO>", "")), "missing LOAIHOSO"),
                    2 => (Encoding.UTF8.GetBytes(t.Replace("<NOIDUNGFILE>", "<NOIDUNGFILE><![CDATA[").Replace("</NOIDUNGFILE>", "]]></NOIDUNGFILE>")), "CDATA base64"),
                    3 => (Encoding.UTF8.GetBytes(t[..t.IndexOf("</DANHSACHHOSO>", StringComparison.Ordinal)]), "envelope cut before its end"),
                    _ => (Encoding.UTF8.GetBytes(t.Replace("<HOSO>", "<ns:HOSO xmlns:ns=\"urn:x\">").Replace("</HOSO>", "</ns:HOSO>")), "namespaced HOSO"),
                };
            }
            case 11:
            {
                var t = Envelope();
                return rng.Next(4) switch
                {
                    0 => (Encoding.Unicode.GetBytes(t), "UTF-16 without BOM"),
                    1 => ([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(t)], "BOM"),
                    2 => (Encoding.Latin1.GetBytes(t.Replace("utf-8", "iso-8859-1")), "Latin-1"),
                    _ => (Encoding.UTF8.GetBytes(t.Replace("utf-8", "x-unknown-charset")), "unknown encoding"),
                };
            }
            case 12:
            {
                // A thousand HOSO, or none.
                if (rng.Next(2) == 0) return (Encoding.UTF8.GetBytes(FuzzInputs.Envelope([])), "no HOSO");
                var many = Enumerable.Range(0, 1000).Select(i => hosos[i % hosos.Count]).ToList();
                return (Encoding.UTF8.GetBytes(FuzzInputs.Envelope(many)), "1000 HOSO (corrections)");
            }
            case 13:
            {
                var inner = rng.Next(3);
                var (type, content) = hoso[1 + inner];
                var (bytes, name) = Bytes(rng, Encoding.UTF8.GetBytes(content), allowHuge: false);
                hoso[1 + inner] = (type, Encoding.UTF8.GetString(bytes));
                return (Encoding.UTF8.GetBytes(Envelope()), $"inner {type} bytes: {name}");
            }
            case 14:
            {
                var facility = rng.Next(3) switch { 0 => "", 1 => HugeString(rng), _ => "<x/>" };
                var created = rng.Next(3) switch { 0 => "", 1 => "99999999", _ => "abc" };
                return (Encoding.UTF8.GetBytes(FuzzInputs.Envelope(SetField(hosos, h, "MA_CSKCB", ""), facility, created)), "envelope header fields");
            }
            default:
            {
                var t = Envelope();
                var v = rng.Next(4) switch { 0 => "&#0;", 1 => "&#xD800;", 2 => "&unknown;", _ => "\u0001" };
                return (Encoding.UTF8.GetBytes(t.Replace("<MACSKCB>01001", "<MACSKCB>01001" + v)), "bad character reference");
            }
        }
    }

    static List<List<(string Type, string Content)>> SetField(List<List<(string Type, string Content)>> hosos, int h, string field, string value)
    {
        var (type, content) = hosos[h][0];
        var start = content.IndexOf($"<{field}>", StringComparison.Ordinal);
        var end = content.IndexOf($"</{field}>", StringComparison.Ordinal);
        if (start >= 0 && end > start) content = content[..(start + field.Length + 2)] + value + content[end..];
        else content = content.Replace("</TONG_HOP>", $"<{field}>{value}</{field}></TONG_HOP>");
        hosos[h][0] = (type, content);
        return hosos;
    }
}
