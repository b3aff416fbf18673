using HoSoSucKhoe.Warehouse.Snapshots;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace HoSoSucKhoe.Models.Ncd;

/// <summary>A clustering input, with its mean and SD over the communes whose inputs are all published (null when fewer than
/// two are: the z-scores then use an internal scale that is not shown).</summary>
public sealed record ClusterFeature(string Key, string Name, double? ProvinceMean, double? ProvinceSd);

/// <summary>A cluster: <see cref="Communes"/> members; <see cref="MeanValues"/>, <see cref="MeanZ"/> and the description
/// over the <see cref="PublishedCommunes"/> of them whose figures are all publishable.</summary>
public sealed record ClusterProfile(int Cluster, int Communes, int PublishedCommunes, string Description, IReadOnlyDictionary<string, double> MeanValues,
    IReadOnlyDictionary<string, double> MeanZ);

public sealed record CommuneCluster(string UnitCode, string UnitName, int? Cluster, IReadOnlyDictionary<string, double>? Values, string? Reason);

public sealed record ClusterResult(string SnapshotId, DateOnly AsOf, int K, IReadOnlyList<ClusterFeature> Features,
    IReadOnlyList<ClusterProfile> Clusters, IReadOnlyList<CommuneCluster> Communes, string Method, string Note);

/// <summary>Communes grouped by disease pattern: ML.NET KMeans (k-means++ init) on z-scores of age-standardised
/// prevalence and cascade shares; each cluster described in Vietnamese from its mean z-scores.</summary>
public static class Clusters
{
    /// <summary>Communes with fewer screened adults than this are not clustered (their rates are mostly noise).</summary>
    public const int MinScreened = 30;

    sealed class Point
    {
        [VectorType] public float[] Features { get; set; } = [];
    }

    sealed class Assignment
    {
        [ColumnName("PredictedLabel")] public uint Cluster { get; set; }
    }

    static readonly (string Key, string Name, string High, string Low)[] Spec =
    [
        ("htn_asr", "Tỷ lệ tăng huyết áp chuẩn hoá tuổi (trong người được đo HA)", "tăng huyết áp cao", "tăng huyết áp thấp"),
        ("dm_asr", "Tỷ lệ đái tháo đường chuẩn hoá tuổi (trong người được xét nghiệm)", "đái tháo đường cao", "đái tháo đường thấp"),
        ("obesity_asr", "Tỷ lệ thừa cân/béo phì chuẩn hoá tuổi", "thừa cân/béo phì nhiều", "thừa cân/béo phì ít"),
        ("screened", "Tỷ lệ người ≥ 18 tuổi được đo HA trong 12 tháng", "sàng lọc huyết áp tốt", "ít được sàng lọc huyết áp"),
        ("htn_diagnosed", "Tăng huyết áp: đã chẩn đoán / người mắc", "phát hiện bệnh tốt", "nhiều người tăng huyết áp chưa được chẩn đoán"),
        ("htn_treated", "Tăng huyết áp: đang điều trị / đã chẩn đoán", "điều trị tốt", "nhiều người đã chẩn đoán chưa được điều trị"),
        ("htn_controlled", "Tăng huyết áp: kiểm soát / đang điều trị", "kiểm soát huyết áp tốt", "kiểm soát huyết áp kém"),
        ("dm_diagnosed", "Đái tháo đường: đã chẩn đoán / người mắc", "phát hiện đái tháo đường tốt", "nhiều người đái tháo đường chưa được chẩn đoán"),
    ];

    public const string HiddenReason = "số liệu của xã có ô bị ẩn (số đếm từ 1 đến 4) nên nhóm và các chỉ số của xã không được công bố";

    /// <summary>Clusters as published to the province (the endpoint serves no commune officer): every commune is
    /// clustered on its raw figures, but a commune with any input hidden by <paramref name="disclosure"/> is shown
    /// without its cluster and values, and the province mean/SD (used for the z-scores) and the cluster means and
    /// descriptions are computed over the communes whose figures are all publishable, so no published figure has a
    /// hidden cell in it (docs/definitions.md, "Disclosure control").</summary>
    public static ClusterResult Compute(LoadedSnapshot s, IReadOnlyList<Cell> cells, IReadOnlyDictionary<string, string> names,
        Disclosure.NcdSuppression disclosure, int k = 4)
    {
        var published = new HashSet<string>(StringComparer.Ordinal);
        var all = AgeStandard.Group("18+");
        var byWard = cells.GroupBy(c => c.WardCode).ToDictionary(g => g.Key, g => g.ToList());
        var values = new Dictionary<string, double[]>();
        var communes = new List<CommuneCluster>();
        foreach (var code in names.Keys.Union(byWard.Keys).Order(StringComparer.Ordinal))
        {
            var cs = byWard.GetValueOrDefault(code) ?? [];
            var htn = Cascades.Htn(cs);
            var dm = Cascades.Dm(cs);
            double? Asr(string key) => Burden.Estimate(s, cs, Measure.Find(key)!, "all", all, "", new Dictionary<string, string>())[0].Standardised;
            double?[] v =
            [
                Asr("htn_screened"), Asr("dm_screened"), Asr("obesity"), htn.ScreenedOfAdults.Value, htn.DiagnosedOfAffected.Value,
                htn.TreatedOfDiagnosed.Value, htn.ControlledOfTreated.Value, dm.DiagnosedOfAffected.Value,
            ];
            if (htn.Screened < MinScreened || v.Any(x => x is null))
                communes.Add(new(code, names.GetValueOrDefault(code) ?? code, null, null, string.Create(Vietnamese.Culture, $"chưa đủ dữ liệu (dưới {MinScreened:N0} người được đo huyết áp hoặc thiếu chỉ số)")));
            else
            {
                values[code] = v.Select(x => x!.Value).ToArray();
                if (Publishable(disclosure, code, cs, htn, dm)) published.Add(code);
            }
        }
        var codes = values.Keys.Order(StringComparer.Ordinal).ToList();
        var d = Spec.Length;
        var mean = new double[d];
        var sd = new double[d];
        var open = codes.Where(published.Contains).ToList();
        for (var j = 0; j < d; j++)
        {
            mean[j] = open.Count == 0 ? 0 : open.Average(c => values[c][j]);
            sd[j] = open.Count < 2 ? 1 : Math.Sqrt(open.Sum(c => Math.Pow(values[c][j] - mean[j], 2)) / (open.Count - 1));
            if (sd[j] == 0) sd[j] = 1;
        }
        var features = Spec.Select((f, j) => new ClusterFeature(f.Key, f.Name, open.Count < 2 ? null : mean[j], open.Count < 2 ? null : sd[j])).ToList();
        k = Math.Min(k, codes.Count / 3);
        var profiles = new List<ClusterProfile>();
        if (k >= 2)
        {
            var ml = new MLContext(seed: 7);
            var points = codes.Select(c => new Point { Features = values[c].Select((x, j) => (float)((x - mean[j]) / sd[j])).ToArray() }).ToList();
            var schema = SchemaDefinition.Create(typeof(Point));
            schema[nameof(Point.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, d);
            var view = ml.Data.LoadFromEnumerable(points, schema);
            var model = ml.Clustering.Trainers.KMeans(new Microsoft.ML.Trainers.KMeansTrainer.Options
            {
                FeatureColumnName = nameof(Point.Features), NumberOfClusters = k, NumberOfThreads = 1,
                InitializationAlgorithm = Microsoft.ML.Trainers.KMeansTrainer.InitializationAlgorithm.KMeansPlusPlus,
            }).Fit(view);
            var assigned = ml.Data.CreateEnumerable<Assignment>(model.Transform(view), reuseRowObject: false).Select(a => (int)a.Cluster).ToList();
            // Number clusters by their hypertension prevalence so that labels are stable across runs.
            var order = assigned.Distinct().OrderByDescending(c => Enumerable.Range(0, codes.Count).Where(i => assigned[i] == c).Average(i => points[i].Features[0])).ToList();
            for (var rank = 0; rank < order.Count; rank++)
            {
                var members = Enumerable.Range(0, codes.Count).Where(i => assigned[i] == order[rank]).ToList();
                var shown = members.Where(i => published.Contains(codes[i])).ToList();
                var meanZ = shown.Count == 0 ? new Dictionary<string, double>()
                    : Spec.Select((f, j) => (f.Key, Z: shown.Average(i => (double)points[i].Features[j]))).ToDictionary(x => x.Key, x => x.Z);
                var meanV = shown.Count == 0 ? new Dictionary<string, double>()
                    : Spec.Select((f, j) => (f.Key, V: shown.Average(i => values[codes[i]][j]))).ToDictionary(x => x.Key, x => x.V);
                profiles.Add(new(rank + 1, members.Count, shown.Count, Describe(rank + 1, members.Count, meanZ), meanV, meanZ));
                foreach (var i in members)
                    communes.Add(published.Contains(codes[i])
                        ? new(codes[i], names.GetValueOrDefault(codes[i]) ?? codes[i], rank + 1,
                            Spec.Select((f, j) => (f.Key, V: values[codes[i]][j])).ToDictionary(x => x.Key, x => x.V), null)
                        : new(codes[i], names.GetValueOrDefault(codes[i]) ?? codes[i], null, null, HiddenReason));
            }
        }
        else
            foreach (var c in codes)
                communes.Add(new(c, names.GetValueOrDefault(c) ?? c, null, null, published.Contains(c) ? "quá ít xã đủ dữ liệu để phân nhóm" : HiddenReason));
        return new ClusterResult(s.SnapshotId, s.AsOf, profiles.Count, features, profiles,
            communes.OrderBy(c => c.UnitCode, StringComparer.Ordinal).ToList(),
            string.Create(Vietnamese.Culture, $"K-means (ML.NET, khởi tạo k-means++, k = {profiles.Count}) trên điểm z của {d} chỉ số; xã có dưới {MinScreened:N0} người được đo huyết áp không được phân nhóm."),
            Burden.VisitBiasNote);
    }

    /// <summary>Every input of the commune's features is shown by the prevalence and cascade endpoints.</summary>
    static bool Publishable(Disclosure.NcdSuppression p, string code, IReadOnlyList<Cell> cs, CascadeCounts htn, CascadeCounts dm)
    {
        var all = AgeStandard.Group("18+");
        bool Rate(string measure, long denominator) => p.Publishes(Measure.Find(measure)!, code, "all", all) && !Disclosure.Disclosure.IsSmall(denominator);
        bool Share(string count, string? denominatorKey, long denominator) =>
            !p.Hides(count, code) && (denominatorKey is null || !p.Hides(denominatorKey, code)) && !Disclosure.Disclosure.IsSmall(denominator);
        return Rate("htn_screened", htn.Screened) && Rate("dm_screened", dm.Screened) && Rate("obesity", cs.Sum(c => c.BmiKnown))
            && Share("htn_diagnosed", "htn_adults", htn.Affected) && Share("htn_treated", "htn_diagnosed", htn.Diagnosed)
            && Share("htn_controlled", "htn_treated", htn.Treated) && Share("dm_diagnosed", "dm_adults", dm.Affected);
    }

    internal static string Describe(int cluster, int n, IReadOnlyDictionary<string, double> z)
    {
        if (z.Count == 0) return $"Nhóm {cluster} ({n} xã): số liệu của các xã trong nhóm có ô bị ẩn, không mô tả.";
        var parts = Spec.Select(f => (f, Z: z[f.Key])).Where(x => Math.Abs(x.Z) >= 0.5).OrderByDescending(x => Math.Abs(x.Z)).Take(3)
            .Select(x => x.Z > 0 ? x.f.High : x.f.Low).ToList();
        var body = parts.Count == 0 ? "các chỉ số gần mức trung bình của các xã trong tỉnh" : string.Join(", ", parts);
        return string.Create(Vietnamese.Culture, $"Nhóm {cluster} ({n:N0} xã): {body}.");
    }
}
