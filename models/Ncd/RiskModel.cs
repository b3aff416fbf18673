using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using Dapper;
using DuckDB.NET.Data;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Snapshots;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.LightGbm;

namespace HoSoSucKhoe.Models.Ncd;

public sealed record CalibrationBin(int Decile, int N, double MeanPredicted, double Observed);

public sealed record ModelMetrics(string Name, double? Auc, double Brier, IReadOnlyList<CalibrationBin> Calibration);

public sealed record SplitPart(string FeaturesSnapshot, DateOnly FeaturesAsOf, string LabelSnapshot, DateOnly LabelAsOf,
    int HorizonDays, int Rows, int Positives);

/// <summary>What the risk model is, what it was trained and tested on and how it did (served by the API).</summary>
public sealed record ModelCard(
    string ModelId, string Version, DateTime TrainedAt, string Purpose, string Population, string Label, bool OutOfTime,
    SplitPart Train, SplitPart Test, string Trainer, IReadOnlyList<string> Features, ModelMetrics Model, ModelMetrics Baseline,
    IReadOnlyList<string> Limitations, double TrainSeconds, IReadOnlyDictionary<string, double> StageSeconds);

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

    /// <summary>Trains, evaluates and registers a model from the loaded history; null when fewer than two snapshots.
    /// Callers serialise writes (<see cref="RiskModels"/>).</summary>
    internal static (ModelCard Card, ITransformer Model)? TrainNew(WarehouseDb db)
    {
        var sw = Stopwatch.StartNew();
        using var c = db.Open();
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
        var testView = ml.Data.LoadFromEnumerable(test);
        // Few events (a small province, a short horizon) need small, heavily regularised trees; a large one can afford more.
        var events = train.Count(r => r.Label);
        var options = new LightGbmBinaryTrainer.Options
        {
            LabelColumnName = nameof(RiskRow.Label), FeatureColumnName = "Features",
            NumberOfLeaves = events < 1000 ? 7 : 31, NumberOfIterations = events < 1000 ? 100 : 300, LearningRate = 0.05,
            MinimumExampleCountPerLeaf = Math.Max(20, train.Count / 500),
            Booster = new GradientBooster.Options { L2Regularization = 1.0 },
            Seed = Seed, NumberOfThreads = 2, Verbose = false, Silent = true,
        };
        var fit = Stopwatch.StartNew();
        var model = ml.Transforms.Concatenate("Features", RiskRow.FeatureNames)
            .Append(ml.BinaryClassification.Trainers.LightGbm(options)).Fit(trainView);
        var baseline = ml.Transforms.Categorical.OneHotEncoding("AgeBandVector", nameof(RiskRow.AgeBand))
            .Append(ml.Transforms.Concatenate("BaselineFeatures", "AgeBandVector", nameof(RiskRow.Male)))
            .Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression(nameof(RiskRow.Label), "BaselineFeatures"))
            .Fit(trainView);

        stages["fit"] = fit.Elapsed.TotalSeconds;
        var modelMetrics = Evaluate(ml, model.Transform(testView), "LightGBM");
        var baselineMetrics = Evaluate(ml, baseline.Transform(testView), "Hồi quy logistic theo nhóm tuổi 5 năm và giới (baseline)");
        byte[] zip;
        using (var ms = new MemoryStream())
        {
            ml.Model.Save(model, trainView.Schema, ms);
            zip = ms.ToArray();
        }
        var trainedAt = DateTime.UtcNow;
        var id = $"ncd-risk-{Version}-{split.TestFeatures.SnapshotId}-{trainedAt:yyyyMMddHHmmssfff}";
        var card = new ModelCard(id, Version, trainedAt,
            "Xếp hạng người trưởng thành chưa được chẩn đoán tăng huyết áp/đái tháo đường theo nguy cơ được phát hiện trong kỳ tới, để ưu tiên sàng lọc tại xã.",
            "Người ≥ 18 tuổi, còn sống, cư trú tại một xã đã biết, chưa được chẩn đoán tăng huyết áp và chưa được chẩn đoán đái tháo đường tại ảnh chụp đặc trưng.",
            "1 nếu tại ảnh chụp nhãn người đó đã được chẩn đoán tăng huyết áp hoặc đái tháo đường, hoặc có lần đo huyết áp ≥ 140/90 hoặc đường huyết đói ≥ 7,0 mmol/L / HbA1c ≥ 6,5 % trong khoảng (ngày đặc trưng, ngày nhãn]; người không còn trong ảnh chụp nhãn bị loại.",
            split.OutOfTime,
            Part(split.TrainFeatures, split.TrainLabel, train), Part(split.TestFeatures, split.TestLabel, test),
            TrainerText(options),
            RiskRow.FeatureNames, modelMetrics, baselineMetrics,
            [
                "Nhãn chỉ thấy những gì được ghi vào hồ sơ: người không đi khám thì không thể 'được phát hiện', nên điểm nguy cơ đo cả nguy cơ bệnh lẫn khả năng tiếp cận dịch vụ.",
                split.OutOfTime
                    ? "Đánh giá ngoài thời gian: huấn luyện trên giai đoạn trước, kiểm tra trên giai đoạn sau."
                    : "Chỉ có hai ảnh chụp: đánh giá trên 30 % hồ sơ giữ lại cùng giai đoạn, KHÔNG phải ngoài thời gian.",
                "Kỳ theo dõi ngắn hơn 12 tháng khi kho chưa có đủ lịch sử (xem horizonDays).",
                "Không dùng để chẩn đoán; chỉ để xếp thứ tự mời sàng lọc.",
            ],
            sw.Elapsed.TotalSeconds, stages);
        c.Execute("""
            INSERT INTO ncd_model VALUES ($id, $version, $at, $trf, $trl, $tef, $tel, $auc, $bauc, $card, $zip, $secs)
            """, new
        {
            id, version = Version, at = trainedAt, trf = split.TrainFeatures.SnapshotId, trl = split.TrainLabel.SnapshotId,
            tef = split.TestFeatures.SnapshotId, tel = split.TestLabel.SnapshotId, auc = modelMetrics.Auc, bauc = baselineMetrics.Auc,
            card = JsonSerializer.Serialize(card, Json), zip = Convert.ToBase64String(zip), secs = card.TrainSeconds,
        });
        return (card, model);
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

    static ModelMetrics Evaluate(MLContext ml, IDataView scored, string name)
    {
        var p = scored.GetColumn<float>("Probability").ToArray();
        var y = scored.GetColumn<bool>(nameof(RiskRow.Label)).ToArray();
        double? auc = y.Any(v => v) && y.Any(v => !v) ? Auc(p, y) : null;
        var brier = p.Length == 0 ? double.NaN : p.Zip(y).Average(t => Math.Pow(t.First - (t.Second ? 1 : 0), 2));
        var order = Enumerable.Range(0, p.Length).OrderBy(i => p[i]).ToArray();
        var bins = new List<CalibrationBin>();
        for (var d = 0; d < 10 && p.Length > 0; d++)
        {
            var from = d * p.Length / 10;
            var to = (d + 1) * p.Length / 10;
            if (to <= from) continue;
            var idx = order[from..to];
            bins.Add(new(d + 1, idx.Length, idx.Average(i => (double)p[i]), idx.Average(i => y[i] ? 1.0 : 0.0)));
        }
        return new ModelMetrics(name, auc, brier, bins);
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

    /// <summary>Stores the scores of the snapshot's undiagnosed adults from <paramref name="model"/>.</summary>
    internal static void Score(DuckDBConnection c, ModelCard card, ITransformer model, LoadedSnapshot snapshot)
    {
        var rows = RiskFeatures.Unlabelled(c, snapshot);
        var ml = new MLContext(Seed);
        var p = model.Transform(ml.Data.LoadFromEnumerable(rows)).GetColumn<float>("Probability").ToArray();
        using var tx = c.BeginTransaction();
        c.Execute("DELETE FROM ncd_risk_score WHERE snapshot_id = $sid", new { sid = snapshot.SnapshotId }, tx);
        using (var app = c.CreateAppender("ncd_risk_score"))
            for (var i = 0; i < rows.Count; i++)
                app.CreateRow().AppendValue(snapshot.SnapshotId).AppendValue(rows[i].RecordId).AppendValue(card.ModelId).AppendValue(p[i]).EndRow();
        tx.Commit();
    }

    internal static ITransformer Load(DuckDBConnection c, string modelId)
    {
        var zip = c.QuerySingle<string>("SELECT model_zip FROM ncd_model WHERE model_id = $id", new { id = modelId });
        using var ms = new MemoryStream(Convert.FromBase64String(zip));
        var model = new MLContext(Seed).Model.Load(ms, out _);
        return model;
    }
}
