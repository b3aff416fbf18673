using System.Diagnostics;
using System.IO.Compression;
using System.Reflection;
using System.Text.Json;
using Dapper;
using DuckDB.NET.Data;
using HoSoSucKhoe.Models.Disclosure;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Snapshots;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.LightGbm;

namespace HoSoSucKhoe.Models.Ncd;

/// <summary>One decile of predicted risk: rows, mean predicted and observed share (null when hidden by the disclosure
/// rule: 1–4 events in the decile, or needed to protect one).</summary>
public sealed record CalibrationBin(int Decile, int N, double MeanPredicted, double? Observed);

/// <summary>The top ⌈n/10⌉ rows by score and the share of them with the event (rows tied at the cut count in
/// proportion); <see cref="Yield"/> is null when the expected number of events there is below 5.</summary>
public sealed record TopDecile(int Rows, double? Yield);

/// <summary>How one model did on some test rows. <see cref="Key"/>: general (LightGBM on all undiagnosed adults),
/// baseline (age/sex), list (LightGBM for the list population).</summary>
public sealed record ModelMetrics(string Name, double? Auc, double? Brier, IReadOnlyList<CalibrationBin> Calibration,
    TopDecile? TopDecile = null, string? Key = null);

public sealed record SplitPart(string FeaturesSnapshot, DateOnly FeaturesAsOf, string LabelSnapshot, DateOnly LabelAsOf,
    int HorizonDays, int Rows, int Positives);

/// <summary>The out-of-time test rows of one population (<see cref="Key"/>: list = not screened in 12 months, the risk
/// list's population; rest = the others) and how each model did on exactly those rows. <see cref="Positives"/> is null
/// when hidden by the disclosure rule; AUC, Brier and yields are null when the population has 1–4 events.</summary>
public sealed record PopulationMetrics(string Key, string Name, string Definition, int Rows, int? Positives,
    IReadOnlyList<ModelMetrics> Models);

/// <summary>Which model ranks the risk list (<see cref="Model"/>: general or list), by which rule and why; the list
/// population's own model (trainer, features, training rows) when one was trained.</summary>
public sealed record ListRanking(string Model, string Rule, string Reason, string? ListTrainer, IReadOnlyList<string>? ListFeatures,
    int? ListTrainRows, int? ListTrainPositives);

/// <summary>What the risk model is, what it was trained and tested on and how it did (served by the API).
/// <see cref="Populations"/> and <see cref="ListRanking"/> are absent from cards of models trained before they existed.</summary>
public sealed record ModelCard(
    string ModelId, string Version, DateTime TrainedAt, string Purpose, string Population, string Label, bool OutOfTime,
    SplitPart Train, SplitPart Test, string Trainer, IReadOnlyList<string> Features, ModelMetrics Model, ModelMetrics Baseline,
    IReadOnlyList<string> Limitations, double TrainSeconds, IReadOnlyDictionary<string, double> StageSeconds,
    IReadOnlyList<PopulationMetrics>? Populations = null, ListRanking? ListRanking = null);

/// <summary>A trained risk model: the general one and, when it ranks the list better, the list population's own.</summary>
public sealed record TrainedRisk(ITransformer General, ITransformer? List);

/// <summary>
/// Risk of being diagnosed with, or found raised for, hypertension or diabetes within the horizon, for adults not yet
/// diagnosed: LightGBM against an age/sex logistic baseline on an out-of-time split (docs/models.md, "Risk model").
/// </summary>
public static class RiskModel
{
    public const string Version = "1.0";

    /// <summary>The ML.NET release the model was trained with, read from the loaded assembly: its AssemblyVersion is
    /// 1.0.0.0 in every release, the informational version is the package's ("5.0.1+commit").</summary>
    public static string MlNetVersion { get; } =
        typeof(MLContext).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(MLContext).Assembly.GetName().Version?.ToString() ?? "?";
    const int Seed = 20250701;
    const int MaxTrainRows = 400_000;
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public sealed record Split(LoadedSnapshot TrainFeatures, LoadedSnapshot TrainLabel, LoadedSnapshot TestFeatures, LoadedSnapshot TestLabel, bool OutOfTime);

    /// <summary>
    /// Test: labels from the latest snapshot, features from an earlier one; train: labels from the test's feature
    /// snapshot, features from an earlier one still, so nothing the training sees happened after the test's feature date.
    /// The test-feature snapshot is the one that makes the shorter of the two horizons longest (capped at 365 days,
    /// later snapshots preferred on ties), the training features the latest snapshot at least the test horizon
    /// before it (else the first). Two snapshots only: one pair, split 70/30 by record (flagged not out of time).
    /// </summary>
    public static Split? ChooseSplit(IReadOnlyList<LoadedSnapshot> snapshots)
    {
        var s = snapshots.GroupBy(x => x.AsOf).Select(g => g.Last()).OrderBy(x => x.AsOf).ToList();
        if (s.Count < 2) return null;
        if (s.Count == 2) return new(s[0], s[1], s[0], s[1], false);
        var last = s[^1];
        Split? best = null;
        var bestScore = -1;
        for (var i = 1; i < s.Count - 1; i++)
        {
            var testF = s[i];
            var testH = Math.Min(365, last.AsOf.DayNumber - testF.AsOf.DayNumber);
            var trainF = s.Take(i).LastOrDefault(x => x.AsOf.DayNumber <= testF.AsOf.DayNumber - testH) ?? s[0];
            var score = Math.Min(testH, Math.Min(365, testF.AsOf.DayNumber - trainF.AsOf.DayNumber));
            if (score < bestScore) continue;
            bestScore = score;
            best = new(trainF, testF, testF, last, true);
        }
        return best;
    }

    /// <summary>Trains, evaluates and registers a model from the loaded history; null when fewer than two snapshots, or
    /// when the warehouse holds no records at all (a national warehouse: its facts stay in the provinces, each of which
    /// trains its own model). Callers serialise writes (<see cref="RiskModels"/>).</summary>
    internal static (ModelCard Card, TrainedRisk Model)? TrainNew(WarehouseDb db)
    {
        var sw = Stopwatch.StartNew();
        using var c = db.Open();
        if (c.ExecuteScalar<long>("SELECT count(*) FROM (SELECT 1 FROM fact_record LIMIT 1)") == 0) return null;
        var split = ChooseSplit(SnapshotCatalog.All(c));
        if (split is null) return null;
        var stages = new Dictionary<string, double>();
        var train = RiskFeatures.Labelled(c, split.TrainFeatures, split.TrainLabel);
        var test = split.OutOfTime ? RiskFeatures.Labelled(c, split.TestFeatures, split.TestLabel) : [];
        stages["features"] = sw.Elapsed.TotalSeconds;
        if (!split.OutOfTime)
        {
            var all = train;
            train = all.Where(r => Bucket(r.RecordId) < 70).ToList();
            test = all.Where(r => Bucket(r.RecordId) >= 70).ToList();
        }
        if (train.Count > MaxTrainRows) train = train.Where(r => Bucket(r.RecordId) < 100.0 * MaxTrainRows / train.Count).ToList();
        if (train.Count == 0 || train.All(r => r.Label) || train.All(r => !r.Label))
            throw new InvalidOperationException("Không đủ dữ liệu để huấn luyện mô hình nguy cơ: cần cả người có và không có sự kiện trong kỳ theo dõi. (training set has one class only)");

        var ml = new MLContext(Seed);
        var trainView = ml.Data.LoadFromEnumerable(train);
        var options = Options(train);
        var fit = Stopwatch.StartNew();
        var model = Fit(ml, train, RiskRow.FeatureNames, options);
        var baseline = ml.Transforms.Categorical.OneHotEncoding("AgeBandVector", nameof(RiskRow.AgeBand))
            .Append(ml.Transforms.Concatenate("BaselineFeatures", "AgeBandVector", nameof(RiskRow.Male)))
            .Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression(nameof(RiskRow.Label), "BaselineFeatures"))
            .Fit(trainView);
        // The list population's own model: its training rows, without the features that are empty for it.
        var listTrain = train.Where(r => r.NotScreened).ToList();
        var listOptions = listTrain.Any(r => r.Label) && listTrain.Any(r => !r.Label) ? Options(listTrain) : null;
        var listModel = listOptions is null ? null : Fit(ml, listTrain, RiskRow.ListFeatureNames, listOptions);
        stages["fit"] = fit.Elapsed.TotalSeconds;

        var y = test.Select(r => r.Label).ToArray();
        var general = Scores(ml, model, test);
        var ageSex = Scores(ml, baseline, test);
        var listScores = listModel is null ? null : Scores(ml, listModel, test);
        const string baselineName = "Hồi quy logistic theo nhóm tuổi 5 năm và giới (baseline)";
        const string generalName = "LightGBM";
        const string listName = "LightGBM riêng cho người chưa sàng lọc";
        var modelMetrics = Measure("general", generalName, general, y);
        var baselineMetrics = Measure("baseline", baselineName, ageSex, y);
        var populations = new List<RawPopulation>();
        foreach (var (key, inList) in new[] { ("list", true), ("rest", false) })
        {
            var idx = Enumerable.Range(0, test.Count).Where(i => test[i].NotScreened == inList).ToArray();
            var py = idx.Select(i => y[i]).ToArray();
            var models = new List<Measured>
            {
                Measure("general", generalName, idx.Select(i => general[i]).ToArray(), py),
                Measure("baseline", baselineName, idx.Select(i => ageSex[i]).ToArray(), py),
            };
            if (inList && listScores is not null) models.Add(Measure("list", listName, idx.Select(i => listScores[i]).ToArray(), py));
            populations.Add(new(key, inList ? ListPopulationName : RestPopulationName, inList ? ListPopulationDefinition : RestPopulationDefinition,
                idx.Length, py.Count(v => v), models));
        }
        var ranking = ChooseListModel(populations[0], listOptions, listTrain);
        stages["evaluate"] = sw.Elapsed.TotalSeconds - stages["fit"] - stages["features"];

        var kept = new TrainedRisk(model, ranking.Model == "list" ? listModel : null);
        var zip = Save(ml, kept, trainView.Schema);
        var trainedAt = DateTime.UtcNow;
        var id = $"ncd-risk-{Version}-{split.TestFeatures.SnapshotId}-{trainedAt:yyyyMMddHHmmssfff}";
        var (published, publishedBaseline, publishedPopulations) = Publish(test.Count(r => r.Label), modelMetrics, baselineMetrics, populations);
        var card = new ModelCard(id, Version, trainedAt,
            "Xếp hạng người trưởng thành chưa được chẩn đoán tăng huyết áp/đái tháo đường theo nguy cơ được phát hiện trong kỳ tới, để ưu tiên sàng lọc tại xã.",
            "Người ≥ 18 tuổi, còn sống, cư trú tại một xã đã biết, chưa được chẩn đoán tăng huyết áp và chưa được chẩn đoán đái tháo đường tại ảnh chụp đặc trưng.",
            "1 nếu tại ảnh chụp nhãn người đó đã được chẩn đoán tăng huyết áp hoặc đái tháo đường, hoặc có lần đo huyết áp ≥ 140/90 hoặc đường huyết đói ≥ 7,0 mmol/L / HbA1c ≥ 6,5 % trong khoảng (ngày đặc trưng, ngày nhãn]; người không còn trong ảnh chụp nhãn bị loại.",
            split.OutOfTime,
            Part(split.TrainFeatures, split.TrainLabel, train), Part(split.TestFeatures, split.TestLabel, test),
            TrainerText(options),
            RiskRow.FeatureNames, published, publishedBaseline,
            [
                "Nhãn chỉ thấy những gì được ghi vào hồ sơ: người không đi khám thì không thể 'được phát hiện', nên điểm nguy cơ đo cả nguy cơ bệnh lẫn khả năng tiếp cận dịch vụ.",
                split.OutOfTime
                    ? "Đánh giá ngoài thời gian: huấn luyện trên giai đoạn trước, kiểm tra trên giai đoạn sau."
                    : "Chỉ có hai ảnh chụp: đánh giá trên 30 % hồ sơ giữ lại cùng giai đoạn, KHÔNG phải ngoài thời gian.",
                "Kỳ theo dõi ngắn hơn 12 tháng khi kho chưa có đủ lịch sử (xem horizonDays).",
                "AUC trên toàn bộ người chưa chẩn đoán gồm cả người đã có chỉ số cao ở lần đo gần nhất (không thuộc danh sách nguy cơ); xem kết quả riêng theo nhóm.",
                "Không dùng để chẩn đoán; chỉ để xếp thứ tự mời sàng lọc.",
            ],
            sw.Elapsed.TotalSeconds, stages, publishedPopulations, ranking);
        c.Execute("""
            INSERT INTO ncd_model VALUES ($id, $version, $at, $trf, $trl, $tef, $tel, $auc, $bauc, $card, $zip, $secs)
            """, new
        {
            id, version = Version, at = trainedAt, trf = split.TrainFeatures.SnapshotId, trl = split.TrainLabel.SnapshotId,
            tef = split.TestFeatures.SnapshotId, tel = split.TestLabel.SnapshotId, auc = modelMetrics.Metrics.Auc, bauc = baselineMetrics.Metrics.Auc,
            card = JsonSerializer.Serialize(card, Json), zip = Convert.ToBase64String(zip), secs = card.TrainSeconds,
        });
        return (card, kept);
    }

    /// <summary>Key of the model (in <see cref="PopulationMetrics.Models"/>) whose scores rank the risk list: list when the
    /// card keeps the list population's model, else general.</summary>
    public static string ListModelKey(ModelCard card) => card.ListRanking?.Model == "list" ? "list" : "general";

    /// <summary>Name of the risk list's population on the card.</summary>
    public const string ListPopulationName = "Chưa sàng lọc trong 12 tháng (nhóm lập danh sách nguy cơ)";
    const string RestPopulationName = "Đã sàng lọc trong 12 tháng (còn lại)";
    const string ListPopulationDefinition = "Không có lần đo huyết áp và không có xét nghiệm đường huyết đói hay HbA1c trong 12 tháng trước ngày đặc trưng: đúng quy tắc chọn người của danh sách nguy cơ.";
    const string RestPopulationDefinition = "Có ít nhất một lần đo huyết áp hoặc một xét nghiệm đường huyết trong 12 tháng trước ngày đặc trưng, kể cả người có chỉ số gần nhất đã cao; không thuộc danh sách nguy cơ.";

    /// <summary>The rule that picks the model ranking the risk list, as the card states it.</summary>
    public static string ListRule { get; } = string.Create(Vietnamese.Culture,
        $"Dùng mô hình riêng cho người chưa sàng lọc khi AUC của nó trên các dòng kiểm tra của nhóm này cao hơn AUC của mô hình chung trên cùng các dòng (cần ít nhất {Disclosure.Disclosure.Threshold} người có sự kiện); nếu không, dùng mô hình chung.");

    static ListRanking ChooseListModel(RawPopulation list, LightGbmBinaryTrainer.Options? listOptions, List<RiskRow> listTrain)
    {
        var general = list.Models.Single(m => m.Metrics.Key == "general").Metrics.Auc;
        var own = list.Models.SingleOrDefault(m => m.Metrics.Key == "list")?.Metrics.Auc;
        string Auc(double? a) => a is { } v ? v.ToString("0.000", Vietnamese.Culture) : "không tính được";
        var n = string.Create(Vietnamese.Culture, $"{list.Rows:N0}");
        var (model, reason) = listOptions is null
            ? ("general", "Không huấn luyện được mô hình riêng: các dòng huấn luyện của nhóm chưa sàng lọc chỉ có một loại nhãn; danh sách được xếp hạng bằng mô hình chung.")
            : list.Positives < Disclosure.Disclosure.Threshold || list.Positives == list.Rows
                ? ("general", $"Nhóm chưa sàng lọc có quá ít người có (hoặc không có) sự kiện trong {n} dòng kiểm tra để so sánh; danh sách được xếp hạng bằng mô hình chung.")
                : own > general
                    ? ("list", $"Mô hình riêng xếp hạng nhóm chưa sàng lọc tốt hơn: AUC {Auc(own)} so với {Auc(general)} của mô hình chung trên cùng {n} dòng kiểm tra; danh sách được xếp hạng bằng mô hình riêng.")
                    : ("general", $"Mô hình riêng không tốt hơn trên nhóm chưa sàng lọc: AUC {Auc(own)} so với {Auc(general)} của mô hình chung trên cùng {n} dòng kiểm tra; danh sách được xếp hạng bằng mô hình chung.");
        return new ListRanking(model, ListRule, reason, listOptions is null ? null : TrainerText(listOptions),
            listOptions is null ? null : RiskRow.ListFeatureNames, listTrain.Count, listTrain.Count(r => r.Label));
    }

    // Few events (a small province, a short horizon) need small, heavily regularised trees; a large one can afford more.
    static LightGbmBinaryTrainer.Options Options(List<RiskRow> train)
    {
        var events = train.Count(r => r.Label);
        return new LightGbmBinaryTrainer.Options
        {
            LabelColumnName = nameof(RiskRow.Label), FeatureColumnName = "Features",
            NumberOfLeaves = events < 1000 ? 7 : 31, NumberOfIterations = events < 1000 ? 100 : 300, LearningRate = 0.05,
            MinimumExampleCountPerLeaf = Math.Max(20, train.Count / 500),
            Booster = new GradientBooster.Options { L2Regularization = 1.0 },
            Seed = Seed, NumberOfThreads = 2, Verbose = false, Silent = true,
        };
    }

    static ITransformer Fit(MLContext ml, List<RiskRow> rows, string[] features, LightGbmBinaryTrainer.Options options) =>
        ml.Transforms.Concatenate("Features", features)
            .Append(ml.BinaryClassification.Trainers.LightGbm(options)).Fit(ml.Data.LoadFromEnumerable(rows));

    static float[] Scores(MLContext ml, ITransformer model, List<RiskRow> rows) =>
        rows.Count == 0 ? [] : model.Transform(ml.Data.LoadFromEnumerable(rows)).GetColumn<float>("Probability").ToArray();

    const string GeneralEntry = "general.zip";
    const string ListEntry = "list.zip";

    /// <summary>One ML.NET zip when only the general model is kept; otherwise a zip holding both ML.NET zips.</summary>
    internal static byte[] Save(MLContext ml, TrainedRisk model, DataViewSchema schema)
    {
        byte[] One(ITransformer t)
        {
            using var ms = new MemoryStream();
            ml.Model.Save(t, schema, ms);
            return ms.ToArray();
        }
        if (model.List is null) return One(model.General);
        using var outer = new MemoryStream();
        using (var zip = new ZipArchive(outer, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, t) in new[] { (GeneralEntry, model.General), (ListEntry, model.List) })
            {
                using var e = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
                e.Write(One(t));
            }
        return outer.ToArray();
    }

    internal static string TrainerText(LightGbmBinaryTrainer.Options options) => string.Create(Vietnamese.Culture,
        $"LightGBM (ML.NET {MlNetVersion}), {options.NumberOfIterations:N0} cây, {options.NumberOfLeaves:N0} lá, tốc độ học {options.LearningRate}");

    static SplitPart Part(LoadedSnapshot f, LoadedSnapshot l, List<RiskRow> rows) =>
        new(f.SnapshotId, f.AsOf, l.SnapshotId, l.AsOf, l.AsOf.DayNumber - f.AsOf.DayNumber, rows.Count, rows.Count(r => r.Label));

    /// <summary>Stable 0–99 bucket of a record (FNV-1a), for deterministic subsampling and the two-snapshot split.</summary>
    static int Bucket(string recordId)
    {
        var h = 2166136261u;
        foreach (var ch in recordId) h = (h ^ ch) * 16777619u;
        return (int)(h % 100);
    }

    /// <summary>Metrics of one model on some rows, with the event counts the disclosure rule needs.</summary>
    sealed record Measured(ModelMetrics Metrics, int[] BinPositives, double TopPositives);

    sealed record RawPopulation(string Key, string Name, string Definition, int Rows, int Positives, List<Measured> Models);

    static Measured Measure(string key, string name, float[] p, bool[] y)
    {
        double? auc = y.Any(v => v) && y.Any(v => !v) ? Auc(p, y) : null;
        double? brier = p.Length == 0 ? null : p.Zip(y).Average(t => Math.Pow(t.First - (t.Second ? 1 : 0), 2));
        var order = Enumerable.Range(0, p.Length).OrderBy(i => p[i]).ToArray();
        var bins = new List<CalibrationBin>();
        var positives = new List<int>();
        for (var d = 0; d < 10 && p.Length > 0; d++)
        {
            var from = d * p.Length / 10;
            var to = (d + 1) * p.Length / 10;
            if (to <= from) continue;
            var idx = order[from..to];
            bins.Add(new(d + 1, idx.Length, idx.Average(i => (double)p[i]), idx.Average(i => y[i] ? 1.0 : 0.0)));
            positives.Add(idx.Count(i => y[i]));
        }
        var (rows, top) = TopDecileEvents(p, y);
        return new(new ModelMetrics(name, auc, brier, bins, rows == 0 ? null : new TopDecile(rows, top / rows), key), [.. positives], top);
    }

    /// <summary>The top ⌈n/10⌉ rows by score and the expected number of events among them: rows scoring above the cut
    /// score count fully, the rows tied at the cut in proportion (the expectation under a random order of ties, as the
    /// AUC counts ties half).</summary>
    public static (int Rows, double Events) TopDecileEvents(IReadOnlyList<float> score, IReadOnlyList<bool> label)
    {
        var n = score.Count;
        if (n == 0) return (0, 0);
        var k = (n + 9) / 10;
        var cut = Enumerable.Range(0, n).Select(i => score[i]).OrderByDescending(v => v).ElementAt(k - 1);
        int above = 0, tied = 0, tiedEvents = 0;
        double events = 0;
        for (var i = 0; i < n; i++)
        {
            if (score[i] > cut) { above++; if (label[i]) events++; }
            else if (score[i] == cut) { tied++; if (label[i]) tiedEvents++; }
        }
        return (k, events + (double)(k - above) * tiedEvents / tied);
    }

    /// <summary>
    /// The disclosure rule on the card's event counts: the test events (already published on the split), each
    /// population's events and every calibration decile's events are cells; published relations are test = list + rest
    /// and, for every set of deciles, their total = Σ deciles. Hidden cells become null (events, observed shares). A
    /// population with 1–4 events also loses its AUC, Brier and yields; a top-decile yield resting on fewer than 5
    /// expected events is hidden.
    /// </summary>
    static (ModelMetrics Model, ModelMetrics Baseline, List<PopulationMetrics> Populations) Publish(int testEvents,
        Measured model, Measured baseline, List<RawPopulation> populations)
    {
        var cells = new Dictionary<string, long> { ["test"] = testEvents };
        var relations = new List<Relation<string>>();
        void Deciles(string total, string prefix, Measured m)
        {
            var parts = m.Metrics.Calibration.Select((b, i) => (Key: $"{prefix}/{m.Metrics.Key}/{b.Decile}", N: m.BinPositives[i])).ToList();
            foreach (var (key, n) in parts) cells[key] = n;
            relations.Add(new(total, [.. parts.Select(x => x.Key)]));
        }
        Deciles("test", "all", model);
        Deciles("test", "all", baseline);
        foreach (var p in populations)
        {
            cells[p.Key] = p.Positives;
            foreach (var m in p.Models) Deciles(p.Key, p.Key, m);
        }
        relations.Add(new("test", [.. populations.Select(p => p.Key)]));
        var hidden = Disclosure.Disclosure.Protect(cells, k => k != "test", relations, k => k == "test");

        ModelMetrics Shown(string prefix, Measured m, bool fewEvents) => m.Metrics with
        {
            Auc = fewEvents ? null : m.Metrics.Auc,
            Brier = fewEvents ? null : m.Metrics.Brier,
            Calibration = [.. m.Metrics.Calibration.Select(b => hidden.Hides($"{prefix}/{m.Metrics.Key}/{b.Decile}") ? b with { Observed = null } : b)],
            TopDecile = m.Metrics.TopDecile is { } t && (fewEvents || m.TopPositives is > 0 and < Disclosure.Disclosure.Threshold) ? t with { Yield = null } : m.Metrics.TopDecile,
        };
        return (Shown("all", model, false), Shown("all", baseline, false), [.. populations.Select(p =>
        {
            var few = Disclosure.Disclosure.IsSmall(p.Positives);
            return new PopulationMetrics(p.Key, p.Name, p.Definition, p.Rows, hidden.Hides(p.Key) ? null : p.Positives,
                [.. p.Models.Select(m => Shown(p.Key, m, few))]);
        })]);
    }

    /// <summary>Area under the ROC curve by the rank (Mann–Whitney) statistic, ties counted half.</summary>
    public static double Auc(IReadOnlyList<float> score, IReadOnlyList<bool> label)
    {
        var idx = Enumerable.Range(0, score.Count).OrderBy(i => score[i]).ToArray();
        double rankSumPos = 0;
        long pos = 0;
        for (var i = 0; i < idx.Length;)
        {
            var j = i;
            while (j + 1 < idx.Length && score[idx[j + 1]] == score[idx[i]]) j++;
            var rank = (i + j) / 2.0 + 1;
            for (var k = i; k <= j; k++)
                if (label[idx[k]]) { rankSumPos += rank; pos++; }
            i = j + 1;
        }
        var neg = score.Count - pos;
        return (rankSumPos - pos * (pos + 1) / 2.0) / ((double)pos * neg);
    }

    /// <summary>The latest registered model's card, or null.</summary>
    public static ModelCard? LatestCard(DuckDBConnection c)
    {
        var json = c.QueryFirstOrDefault<string>("SELECT card_json FROM ncd_model ORDER BY trained_at DESC LIMIT 1");
        return json is null ? null : JsonSerializer.Deserialize<ModelCard>(json, Json);
    }

    /// <summary>Stores the scores of the snapshot's undiagnosed adults: the list population's from the list model when
    /// the card keeps one (<see cref="ListRanking.Model"/> = list), everyone else's from the general model.</summary>
    internal static void Score(DuckDBConnection c, ModelCard card, TrainedRisk model, LoadedSnapshot snapshot)
    {
        var rows = RiskFeatures.Unlabelled(c, snapshot);
        var ml = new MLContext(Seed);
        var p = Scores(ml, model.General, rows);
        if (model.List is not null)
        {
            var idx = Enumerable.Range(0, rows.Count).Where(i => rows[i].NotScreened).ToArray();
            var own = Scores(ml, model.List, [.. idx.Select(i => rows[i])]);
            for (var j = 0; j < idx.Length; j++) p[idx[j]] = own[j];
        }
        using var tx = c.BeginTransaction();
        c.Execute("DELETE FROM ncd_risk_score WHERE snapshot_id = $sid", new { sid = snapshot.SnapshotId }, tx);
        using (var app = c.CreateAppender("ncd_risk_score"))
            for (var i = 0; i < rows.Count; i++)
                app.CreateRow().AppendValue(snapshot.SnapshotId).AppendValue(rows[i].RecordId).AppendValue(card.ModelId).AppendValue(p[i]).EndRow();
        tx.Commit();
    }

    /// <summary>The registered model: one ML.NET zip (general model only, also every model registered before list
    /// models existed) or a zip holding the general and the list model.</summary>
    internal static TrainedRisk Load(DuckDBConnection c, string modelId) =>
        Read(Convert.FromBase64String(c.QuerySingle<string>("SELECT model_zip FROM ncd_model WHERE model_id = $id", new { id = modelId })));

    /// <summary>The models of a stored zip (<see cref="Save"/>).</summary>
    internal static TrainedRisk Read(byte[] bytes)
    {
        var ml = new MLContext(Seed);
        ITransformer One(Stream s) => ml.Model.Load(s, out _);
        using var ms = new MemoryStream(bytes);
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Read, leaveOpen: true))
            if (zip.GetEntry(GeneralEntry) is { } g && zip.GetEntry(ListEntry) is { } l)
            {
                using var gs = new MemoryStream();
                using (var s = g.Open()) s.CopyTo(gs);
                using var ls = new MemoryStream();
                using (var s = l.Open()) s.CopyTo(ls);
                gs.Position = ls.Position = 0;
                return new TrainedRisk(One(gs), One(ls));
            }
        ms.Position = 0;
        return new TrainedRisk(One(ms), null);
    }
}
