using Apache.Arrow;
using Apache.Arrow.Ipc;
using HoSoSucKhoe.Api.Cli;
using HoSoSucKhoe.Tests.Support;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Loading;
using HoSoSucKhoe.Warehouse.Reference;
using HoSoSucKhoe.Warehouse.Snapshots;
using HoSoSucKhoe.Warehouse.Xml130;

namespace HoSoSucKhoe.Tests.Xml130;

/// <summary>The xml130 conversion over hand-made envelopes and the worked example of XML130.md (tests/Xml130/Data).</summary>
public sealed class ConversionTests : IDisposable
{
    readonly string root = Path.Combine(Path.GetTempPath(), "hssk-xml130-" + Guid.NewGuid().ToString("N")[..8]);

    public ConversionTests() => Directory.CreateDirectory(root);
    public void Dispose() { try { Directory.Delete(root, true); } catch (IOException) { } }

    string Persons(TinySnapshot? tiny = null) => (tiny ?? new TinySnapshot()).Write(Path.Combine(root, "persons-" + Guid.NewGuid().ToString("N")[..6]));
    string Out => Path.Combine(root, "out");
    string File(string name) => Path.Combine(root, name);

    internal static List<Dictionary<string, object?>> Rows(string folder, string file)
    {
        var rows = new List<Dictionary<string, object?>>();
        using var reader = new ArrowFileReader(System.IO.File.OpenRead(Path.Combine(folder, file)));
        while (reader.ReadNextRecordBatch() is { } b)
            for (var i = 0; i < b.Length; i++)
                rows.Add(b.Schema.FieldsList.Select((f, c) => (f.Name, Value: b.Column(c) switch
                {
                    StringArray s => (object?)s.GetString(i),
                    Int16Array s => s.GetValue(i),
                    Int32Array s => s.GetValue(i),
                    FloatArray s => s.GetValue(i),
                    TimestampArray s => s.GetTimestamp(i),
                    _ => null,
                })).ToDictionary(x => x.Name, x => x.Value));
        return rows;
    }

    static string Stable(string card) => card[^10..];

    [Fact]
    public void WorkedExampleBecomesAnEncounterWithBloodPressureLabsAndMedicinesAndLoads()
    {
        var tiny = new TinySnapshot { AdminCodes = "legacy", AsOf = "2025-03-31", SnapshotId = "01-2025-03-31" };
        var p = tiny.Rows["persons.arrow"][0];
        p["citizen_id"] = "001162012345"; p["ward_code"] = "09628"; p["full_name"] = "Nguyễn Thị Hoa";
        foreach (var r in tiny.Rows["persons.arrow"].Skip(1)) r["ward_code"] = "09628";
        foreach (var f in new[] { "encounters.arrow", "labs.arrow", "medications.arrow" })
            foreach (var r in tiny.Rows[f]) if (r.TryGetValue("visit_time", out _)) r["visit_time"] = new DateTime(2025, 3, 1); else r[f == "labs.arrow" ? "result_time" : "dispensed_time"] = new DateTime(2025, 3, 2);
        var example = Path.Combine(Repository.Root, "tests", "Xml130", "Data", "GIAMDINHHS_example.xml");

        var personsDir = Persons(tiny);
        var report = Xml130Converter.Convert(new Xml130Options([example], personsDir, Out));

        Assert.True(report.Succeeded);
        Assert.Equal((1, 1, 0L), (report.Files, report.Kept, report.Rejected));
        Assert.Equal(1, report.MatchedBy["citizen_id"]);
        var enc = Rows(Out, "encounters.arrow").Single(r => (string?)r["encounter_id"] == "01999-20250314-000457");
        Assert.Equal(("HS0001", "01999", "01", "E11.9", "I10"), ((string?)enc["record_id"], (string?)enc["facility_code"], (string?)enc["kind"], (string?)enc["icd_main"], (string?)enc["icd_other"]));
        Assert.Equal(((short?)150, (short?)90, (float?)62.5f), ((short?)enc["systolic"], (short?)enc["diastolic"], (float?)enc["weight_kg"]));
        Assert.Equal(new DateTimeOffset(2025, 3, 14, 7, 50, 0, TimeSpan.Zero), enc["visit_time"]);
        var labs = Rows(Out, "labs.arrow").Where(r => (string?)r["encounter_id"] == "01999-20250314-000457").ToList();
        Assert.Equal(["GLU_FASTING|8.4|mmol/L", "HBA1C|7.6|%"], labs.Select(l => $"{l["test"]}|{l["value_text"]}|{l["unit"]}").ToArray());
        var meds = Rows(Out, "medications.arrow").Where(r => (string?)r["encounter_id"] == "01999-20250314-000457").ToList();
        Assert.Equal(["Metformin 850mg|40.xxx1|30", "Amlodipin 5mg|40.xxx2|30"], meds.Select(m => $"{m["drug_name"]}|{m["active_ingredient"]}|{m["days_supply"]}").ToArray());
        Assert.Equal(tiny.Rows["encounters.arrow"].Count + 1, Rows(Out, "encounters.arrow").Count);
        Assert.Equal(TinySnapshot.Sha(Path.Combine(personsDir, "persons.arrow")), TinySnapshot.Sha(Path.Combine(Out, "persons.arrow")));

        using var db = new WarehouseDb(File("w.duckdb"));
        var loaded = WarehouseFixture.Loader(db).Load(Out);
        Assert.Equal(LoadOutcome.Loaded, loaded.Outcome);
        Assert.Equal(7, loaded.Encounters);
    }

    [Fact]
    public void EachMatchingRuleLinksItsEpisodeAndVisitorsWithoutARecordAreCountedPerCommune()
    {
        var tiny = new TinySnapshot();
        var persons = tiny.Rows["persons.arrow"];
        var card2 = (string)persons[1]["insurance_id"]!;
        new Envelope()
            .Add(("XML1", Envelope.Xml1("01001-A", citizen: (string)persons[0]["citizen_id"]!)))
            // A renewed card: another group and benefit level, the same 10-digit BHXH number; the first card is unknown.
            .Add(("XML1", Envelope.Xml1("01001-B", card: "XX9999999999999;HT301" + Stable(card2), name: "Khác Tên")))
            // No ids: the folded name, birth date and commune of record 3 (Nguyễn Văn D, 1953-03-01, 00004).
            .Add(("XML1", Envelope.Xml1("01001-C", name: "NGUYEN VAN  D", birth: "195303010000", commune: "00004")))
            .Add(("XML1", Envelope.Xml1("01001-D", citizen: "001099999999", name: "Trần Thị Lạ", commune: "00025")))
            .Add(("XML1", Envelope.Xml1("01001-E", citizen: "001099999999", name: "Trần Thị Lạ", commune: "00025", visit: "202509201000")))
            .Add(("XML1", Envelope.Xml1("01001-F", name: "Lê Văn Khách", birth: "19800000000", commune: "99999")))
            .Write(File("a.xml"));

        var report = Xml130Converter.Convert(new Xml130Options([root], Persons(tiny), Out, MaxRejectShare: 0.5));

        Assert.Equal((1L, 1L, 1L), (report.MatchedBy["citizen_id"], report.MatchedBy["insurance_card"], report.MatchedBy["name_birth_commune"]));
        var byId = Rows(Out, "encounters.arrow").ToDictionary(r => (string)r["encounter_id"]!, r => (string?)r["record_id"]);
        Assert.Equal(("HS0001", "HS0002", "HS0003"), (byId["01001-A"], byId["01001-B"], byId["01001-C"]));
        Assert.False(byId.ContainsKey("01001-D"));
        // F's birth date "19800000000" has 11 characters: rejected, not guessed.
        Assert.Equal("NGAY_SINH", Assert.Single(report.Rejects).Field);
        Assert.Equal(2, report.Unmatched);
        var visitors = Assert.Single(report.UnrecordedVisitors);
        Assert.Equal(("00025", 1L, 2L), (visitors.WardCode, visitors.People, visitors.Episodes));
        var arrow = Assert.Single(Rows(Out, "unrecorded_visitors.arrow"));
        Assert.Equal(("00025", 1, 2), ((string?)arrow["ward_code"], (int?)arrow["people"], (int?)arrow["episodes"]));
    }

    [Fact]
    public void SendingTheSameMaLkAgainReplacesTheEarlierEpisodeAndItsHistoryRow()
    {
        var tiny = new TinySnapshot();
        tiny.Rows["encounters.arrow"][0]["encounter_id"] = "01001-0001";
        foreach (var f in new[] { "labs.arrow", "medications.arrow" })
            foreach (var r in tiny.Rows[f].Where(r => (string?)r["encounter_id"] == "LK0001")) r["encounter_id"] = "01001-0001";
        var citizen = (string)tiny.Rows["persons.arrow"][0]["citizen_id"]!;
        // The later NGAYLAP wins whatever the file names say.
        new Envelope(created: "20250920").Add(
            ("XML1", Envelope.Xml1("01001-0001", citizen: citizen, icd: "E11.9")),
            ("XML4", Envelope.Xml4("01001-0001", (LabCodes.HbA1cService, "HbA1c", "7.9", "%")))).Write(File("a-later.xml"));
        new Envelope(created: "20250912").Add(
            ("XML1", Envelope.Xml1("01001-0001", citizen: citizen, icd: "I10")),
            ("XML4", Envelope.Xml4("01001-0001", (LabCodes.GlucoseService, "Glucose", "6,1", "mmol/L")))).Write(File("b-earlier.xml"));

        var report = Xml130Converter.Convert(new Xml130Options([File("b-earlier.xml"), File("a-later.xml")], Persons(tiny), Out));

        Assert.Equal((1L, 1L, 1L), (report.Replaced, report.ReplacedHistory, report.Kept));
        var enc = Rows(Out, "encounters.arrow").Where(r => (string?)r["encounter_id"] == "01001-0001").ToList();
        Assert.Equal("E11.9", (string?)Assert.Single(enc)["icd_main"]);
        var labs = Rows(Out, "labs.arrow").Where(r => (string?)r["encounter_id"] == "01001-0001").ToList();
        Assert.Equal("HBA1C", (string?)Assert.Single(labs)["test"]);
        Assert.DoesNotContain(Rows(Out, "medications.arrow"), m => (string?)m["encounter_id"] == "01001-0001");
    }

    [Fact]
    public void CdataWrappedBase64BomAndCrlfAreRead()
    {
        var citizen = "001190000001";
        new Envelope { CdataBase64 = true, WrapBase64 = true, InnerBom = true, Crlf = true }
            .Add(("XML1", Envelope.Xml1("01001-X", citizen: citizen)),
                 ("XML5", Envelope.Xml5("01001-X", "CSST<M75_T37_ HA 145 / 95 _ NT18_HL2> ổn định")),
                 ("XML2", Envelope.Xml2("01001-X", "Amlodipin 5mg", "amlodipin")))
            .Write(File("crlf.xml"));

        var report = Xml130Converter.Convert(new Xml130Options([File("crlf.xml")], Persons(), Out));

        Assert.Equal((1L, 0L), (report.Kept, report.Rejected));
        var enc = Rows(Out, "encounters.arrow").Single(r => (string?)r["encounter_id"] == "01001-X");
        Assert.Equal(((short?)145, (short?)95), ((short?)enc["systolic"], (short?)enc["diastolic"]));
    }

    [Fact]
    public void A4210EraFileIsReadByItsFieldNames()
    {
        var xml1 = "<TONG_HOP><MA_LK>01001-OLD</MA_LK><MA_BN>1</MA_BN><HO_TEN>Nguyễn Văn B</HO_TEN><NGAY_SINH>195103010000</NGAY_SINH>" +
                   "<GIOI_TINH>1</GIOI_TINH><MA_THE>HT301" + Stable("GD4010100000001") + "</MA_THE><MA_BENH>I10</MA_BENH><MA_BENHKHAC>E11.9;K29</MA_BENHKHAC>" +
                   "<NGAY_VAO>202509050800</NGAY_VAO><MA_LOAI_KCB>1</MA_LOAI_KCB><MA_CSKCB>01001</MA_CSKCB></TONG_HOP>";
        var xml5 = "<DSACH_CHI_TIET_DIEN_BIEN_BENH><CHI_TIET_DIEN_BIEN_BENH><MA_LK>01001-OLD</MA_LK><DIEN_BIEN>Mạch 80, Huyết áp: 130/80 mmHg</DIEN_BIEN><NGAY_YL>202509050810</NGAY_YL></CHI_TIET_DIEN_BIEN_BENH></DSACH_CHI_TIET_DIEN_BIEN_BENH>";
        new Envelope().Add(("XML1", xml1), ("XML5", xml5)).Write(File("old.xml"));

        var report = Xml130Converter.Convert(new Xml130Options([File("old.xml")], Persons(), Out));

        Assert.Equal(1, report.Files4210);
        var enc = Rows(Out, "encounters.arrow").Single(r => (string?)r["encounter_id"] == "01001-OLD");
        Assert.Equal(("HS0001", "01", "I10", "E11.9;K29", (short?)130), ((string?)enc["record_id"], (string?)enc["kind"], (string?)enc["icd_main"], (string?)enc["icd_other"], (short?)enc["systolic"]));
    }

    [Fact]
    public void EveryKindOfBadInputIsListedWithFilePositionMaLkAndField()
    {
        var c = "001190000001";
        System.IO.File.WriteAllText(File("1-truncated.xml"), "<?xml version=\"1.0\"?><GIAMDINHHS><THONGTINHOSO><DANHSACHHOSO><HOSO><FILEHOSO>");
        var env = new Envelope()
            .Add(("XML1", Envelope.Xml1("01001-OK", citizen: c)))
            .Add(("XML1", Envelope.Xml1("01001-B64", citizen: c)))
            .Add(("XML1", Envelope.Xml1("01001-NOTXML", citizen: c)), ("XML4", "this is <not xml"))
            .Add(("XML1", Envelope.Xml1("", citizen: c)))
            .Add(("XML1", Envelope.Xml1("01001-NOVAO", citizen: c, extra: ("NGAY_VAO", "<omit>"))))
            .Add(("XML1", Envelope.Xml1("01001-DATE", citizen: c, visit: "202502301000")))
            .Add(("XML1", Envelope.Xml1("01001-ICD", citizen: c, icd: "XYZ.123")));
        env.RawContent[(1, "XML1")] = "@@not base64@@";
        env.Write(File("2-mixed.xml"));

        var report = Xml130Converter.Convert(new Xml130Options([root], Persons(), Out, MaxRejectShare: 1));

        var rejects = report.Rejects.Select(r => $"{r.File}|{r.Position}|{r.MaLk}|{r.Field}").ToArray();
        Assert.Equal(
        [
            "1-truncated.xml|1||GIAMDINHHS", "2-mixed.xml|2||XML1", "2-mixed.xml|3|01001-NOTXML|XML4", "2-mixed.xml|4||MA_LK",
            "2-mixed.xml|5|01001-NOVAO|NGAY_VAO", "2-mixed.xml|6|01001-DATE|NGAY_VAO", "2-mixed.xml|7|01001-ICD|MA_BENH_CHINH",
        ], rejects);
        Assert.All(report.Rejects, r => Assert.False(string.IsNullOrWhiteSpace(r.Reason)));
        Assert.Equal((8L, 7L, 1L, 1), (report.Episodes, report.Rejected, report.Kept, report.FilesRejected));
        var written = Xml130Report.Read(Out + Xml130Report.Suffix);
        Assert.Equal(7, written.Rejects.Count);
    }

    [Fact]
    public void TooManyRejectsFailTheBatchWithAVietnameseMessageAndWriteNothingToOut()
    {
        var c = "001190000001";
        new Envelope().Add(("XML1", Envelope.Xml1("01001-OK", citizen: c))).Add(("XML1", Envelope.Xml1("01001-ICD", citizen: c, icd: "??")))
            .Write(File("x.xml"));

        var e = Assert.Throws<Xml130FailedException>(() => Xml130Converter.Convert(new Xml130Options([File("x.xml")], Persons(), Out)));

        Assert.Contains("vượt ngưỡng --max-reject-share", e.Message);
        Assert.Contains("Không ghi gì vào thư mục --out", e.Message);
        Assert.False(Directory.Exists(Out));
        Assert.DoesNotContain(Directory.GetDirectories(root), d => Path.GetFileName(d).StartsWith(".out", StringComparison.Ordinal));
        Assert.Equal("MA_BENH_CHINH", Assert.Single(Xml130Report.Read(Out + Xml130Report.Suffix).Rejects).Field);
    }

    [Fact]
    public void CommandLinePrintsAVietnameseSummaryAndFailsWithExitCodeOne()
    {
        var persons = Persons();
        new Envelope().Add(("XML1", Envelope.Xml1("01001-OK", citizen: "001190000001"))).Write(File("ok.xml"));
        var output = new StringWriter();
        var error = new StringWriter();

        var ok = Commands.Run(["xml130", "ok.xml", "--persons", persons, "--out", "out", "--as-of", "2025-09-30"], output, error, root);

        Assert.True(ok == 0, error.ToString());
        Assert.Contains("ghép được với hồ sơ sức khỏe: 1", output.ToString());
        Assert.Contains("theo số CCCD: 1", output.ToString());
        Assert.Equal("01-2025-09-30-xml130", Manifest.Read(Out).SnapshotId);

        new Envelope().Add(("XML1", Envelope.Xml1("01001-LATE", citizen: "001190000001", visit: "202510011000"))).Write(File("late.xml"));
        var failed = Commands.Run(["xml130", "late.xml", "--persons", persons, "--out", "out2", "--as-of", "2025-09-30"], output, error, root);
        Assert.Equal(1, failed);
        Assert.Contains("Chuyển đổi XML 130 thất bại", error.ToString());
        Assert.Equal(2, Commands.Run(["xml130", "ok.xml", "--persons", persons, "--out", "o", "--max-reject-share", "2"], output, error, root));
    }

    [Fact]
    public void ChildRowsThatAreNotWrittenAreCountedByReasonInTheReportAndTheSummary()
    {
        const string lk = "01001-R";
        var xml2 = "<CHITIEU_CHITIET_THUOC><DSACH_CHI_TIET_THUOC>" +
                   $"<CHI_TIET_THUOC><MA_LK>{lk}</MA_LK><MA_THUOC>40.17</MA_THUOC><TEN_THUOC/><NGAY_YL>202509101500</NGAY_YL></CHI_TIET_THUOC>" +
                   $"<CHI_TIET_THUOC><MA_LK>{lk}</MA_LK><MA_THUOC>amlodipin</MA_THUOC><TEN_THUOC>Amlodipin 5mg</TEN_THUOC><NGAY_YL>202509101500</NGAY_YL></CHI_TIET_THUOC>" +
                   "<CHI_TIET_THUOC><MA_LK>01001-OTHER</MA_LK><MA_THUOC>metformin</MA_THUOC><TEN_THUOC>Metformin 500mg</TEN_THUOC><NGAY_YL>202509101500</NGAY_YL></CHI_TIET_THUOC>" +
                   "</DSACH_CHI_TIET_THUOC></CHITIEU_CHITIET_THUOC>";
        var xml4 = Envelope.Xml4(lk, (LabCodes.GlucoseService, "Glucose", "6,2", "mmol/L"), ("18.0001.0001", "Chụp X-quang ngực thẳng", "", ""),
            ("22.0120.1370", "Tổng phân tích nước tiểu: Protein", "Âm tính", ""), ("", "", "5", "g/L"));
        new Envelope().Add(("XML1", Envelope.Xml1(lk, citizen: "001190000001")), ("XML2", xml2), ("XML4", xml4),
                ("XML5", Envelope.Xml5("01001-OTHER", "CSST<HA190/120>")))
            .Write(File("rows.xml"));
        var output = new StringWriter();
        var error = new StringWriter();

        var code = Commands.Run(["xml130", "rows.xml", "--persons", Persons(), "--out", "out"], output, error, root);

        Assert.True(code == 0, error.ToString());
        var r = Xml130Report.Read(Out + Xml130Report.Suffix).Rows;
        Assert.Equal((3L, 4L, 1L, 1L), (r.Xml2, r.Xml4, r.Xml5, r.Xml4Uninterpreted));
        Assert.Equal(new Dictionary<string, long>
        {
            ["xml2_without_drug_name"] = 1, ["xml4_without_value"] = 1, ["xml4_without_test"] = 1, ["other_ma_lk"] = 2,
        }, r.Skipped);
        Assert.Equal(new string?[] { "Amlodipin 5mg" }, Rows(Out, "medications.arrow").Where(m => (string?)m["encounter_id"] == lk).Select(m => (string?)m["drug_name"]).ToArray());
        Assert.Equal(new string?[] { "GLU_FASTING", "22.0120.1370" }, Rows(Out, "labs.arrow").Where(l => (string?)l["encounter_id"] == lk).Select(l => (string?)l["test"]).ToArray());
        Assert.Null(Rows(Out, "encounters.arrow").Single(e => (string?)e["encounter_id"] == lk)["systolic"]);
        Assert.Contains("Dòng bỏ qua, không ghi: 5 (thuốc thiếu TEN_THUOC: 1; cận lâm sàng chưa có kết quả GIA_TRI: 1; cận lâm sàng không có mã hay tên chỉ số: 1; dòng mang MA_LK khác XML1: 2)", output.ToString());
    }

    [Fact]
    public void GenerateWritesXml130AndARegistryThatTheXml130VerbConvertsBack()
    {
        var output = new StringWriter();
        var error = new StringWriter();

        var generated = Commands.Run(["generate", "--province", "20", "--scale", "0.002", "--from", "2025-09", "--to", "2025-09",
            "--out", "gen", "--xml130", "gen-xml"], output, error, root);

        Assert.True(generated == 0, error.ToString());
        Assert.Contains("thành tệp XML 130 trong", output.ToString());
        Assert.NotEmpty(Directory.GetFiles(File("gen-xml"), "GIAMDINHHS_*.xml"));
        var converted = Commands.Run(["xml130", "gen-xml", "--persons", Path.Combine("gen-xml", "registry"), "--out", "gen-out"], output, error, root);
        Assert.True(converted == 0, error.ToString());
        var report = Xml130Report.Read(File("gen-out") + Xml130Report.Suffix);
        Assert.True(report.Kept > 0 && report.Kept == report.Matched && report.Rejected == 0, $"{report.Kept} kept, {report.Matched} matched, {report.Rejected} rejected");
        var direct = Directory.GetDirectories(File("gen")).Single(d => System.IO.File.Exists(Path.Combine(d, Manifest.FileName)));
        Assert.Equal(Manifest.Read(direct).Files.Single(f => f.Name == "encounters.arrow").Rows, Manifest.Read(File("gen-out")).Files.Single(f => f.Name == "encounters.arrow").Rows);
    }

    [Theory]
    [InlineData("CSST<M75_T37_HA120/70_ NT18_HL2>", 120, 70)]
    [InlineData("csst < M 82 _ HA 150 / 90 >", 150, 90)]
    [InlineData("Bệnh nhân tỉnh. Huyết áp: 130/80 mmHg", 130, 80)]
    public void BloodPressureIsReadFromTheVitalSignsCodeWhateverTheSpacing(string text, short sys, short dia) =>
        Assert.Equal(((short, short)?)(sys, dia), Vitals.BloodPressure(text));

    [Theory]
    [InlineData("CSST<M80_HA150/90_NT18> Chiều cao: 158,5 cm; vòng bụng: 82 cm.", 158.5f, 82f)]
    [InlineData("CHIEU CAO 1,62 m, vong bung=90cm", 162f, 90f)]
    [InlineData("chiều cao 400", 400f, null)]
    [InlineData("Khám tim phổi bình thường; cao huyết áp", null, null)]
    public void HeightAndWaistAreReadFromTheNotesFreeText(string text, float? height, float? waist)
    {
        var folded = HoSoSucKhoe.Warehouse.Text.Fold(text);
        Assert.Equal((height, waist), (Vitals.Height(folded), Vitals.Waist(folded)));
    }

    [Fact]
    public void HeightAndWaistOfTheEarliestNoteReachTheEncounter()
    {
        new Envelope().Add(("XML1", Envelope.Xml1("01001-H", citizen: "001190000001")),
                ("XML5", "<CHITIEU_CHITIET_DIENBIENLAMSANG><DSACH_CHI_TIET_DIEN_BIEN_BENH>" +
                         "<CHI_TIET_DIEN_BIEN_BENH><MA_LK>01001-H</MA_LK><DIEN_BIEN_LS>Chiều cao: 171 cm</DIEN_BIEN_LS><THOI_DIEM_DBLS>202509101500</THOI_DIEM_DBLS></CHI_TIET_DIEN_BIEN_BENH>" +
                         "<CHI_TIET_DIEN_BIEN_BENH><MA_LK>01001-H</MA_LK><DIEN_BIEN_LS><![CDATA[CSST<HA128/82> Chiều cao: 170,5 cm; vòng bụng: 88 cm.]]></DIEN_BIEN_LS><THOI_DIEM_DBLS>202509101440</THOI_DIEM_DBLS></CHI_TIET_DIEN_BIEN_BENH>" +
                         "</DSACH_CHI_TIET_DIEN_BIEN_BENH></CHITIEU_CHITIET_DIENBIENLAMSANG>"))
            .Write(File("h.xml"));

        Xml130Converter.Convert(new Xml130Options([File("h.xml")], Persons(), Out));

        var enc = Rows(Out, "encounters.arrow").Single(r => (string?)r["encounter_id"] == "01001-H");
        Assert.Equal(((float?)170.5f, (float?)88f, (float?)60.5f, (short?)128), ((float?)enc["height_cm"], (float?)enc["waist_cm"], (float?)enc["weight_kg"], (short?)enc["systolic"]));
    }

    [Fact]
    public void ResidenceCodesAreCarriedAcrossThe2025Merger()
    {
        var r = new Residence(ReferenceData.Load(), "2025");
        Assert.Equal("00004", r.Resolve("00004", new DateOnly(2025, 9, 1)));
        Assert.NotNull(r.Resolve("09628", new DateOnly(2025, 3, 14))); // Cổ Đô (legacy) → its 2025 commune
        Assert.Null(r.Resolve("99999", new DateOnly(2025, 9, 1)));
    }
}
