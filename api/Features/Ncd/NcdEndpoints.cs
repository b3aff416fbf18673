using HoSoSucKhoe.Api.Access;
using HoSoSucKhoe.Api.Caching;
using HoSoSucKhoe.Api.Errors;
using HoSoSucKhoe.Api.Requests;
using HoSoSucKhoe.Api.Tables;
using HoSoSucKhoe.Models.Disclosure;
using HoSoSucKhoe.Models.Ncd;
using HoSoSucKhoe.Reports.Tables;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Reference;
using HoSoSucKhoe.Warehouse.Snapshots;
using Microsoft.AspNetCore.OutputCaching;

namespace HoSoSucKhoe.Api.Features.Ncd;

public sealed record Methods(string Crude, string Standardised, string Smoothing, string Suppression);

public sealed record PrevalenceResponse(string Measure, string Name, string Denominator, string Sex, string Ages, Methods Methods,
    string Note, IReadOnlyList<AnchorComparison> Anchors, IReadOnlyList<PrevalenceEstimate> Rows);

public sealed record CascadeResponse(string Note, IReadOnlyList<AnchorComparison> Anchors, IReadOnlyList<CascadeView> Rows);

public sealed record AnchorsResponse(string SnapshotId, DateOnly AsOf, string Note, IReadOnlyList<AnchorComparison> Anchors);

public sealed record MeasureInfo(string Key, string Name, string Denominator);

/// <summary>Hypertension and diabetes: cascades, prevalence, comorbidity, clusters, risk model, outreach line lists.</summary>
public static class NcdEndpoints
{
    /// <summary>How the prevalence figures are computed, as /api/ncd/prevalence states them.</summary>
    public static readonly Methods MethodText = new(
        "Tỷ lệ thô với khoảng tin cậy 95 % Wilson.",
        "Chuẩn hoá tuổi trực tiếp theo dân số chuẩn WHO 2000–2025 (nhóm 18–19 nhận 2/5 trọng số nhóm 15–19; 80+ gộp), trọng số chia lại trên các nhóm tuổi có số liệu; khoảng tin cậy 95 % gamma Fay–Feuer.",
        "Bayes thực nghiệm (chuẩn–chuẩn, phương sai giữa các xã ước lượng bằng phương pháp mômen) kéo về giá trị của tỉnh; cả giá trị gốc và giá trị làm trơn đều được trình bày. Khi các xã không chênh lệch nhau hơn mức dao động do cỡ mẫu, phương sai giữa các xã (betweenVariance) bằng 0 và mọi xã nhận giá trị của tỉnh (shrinkage = 1); khoảng tin cậy 95 % của giá trị làm trơn tính cả sai số của giá trị tỉnh (Morris 1983).",
        "Trừ cán bộ của chính xã: số đếm thông tin sức khỏe từ 1 đến 4 và mọi giá trị suy ra từ chúng (tỷ lệ, khoảng tin cậy, giá trị làm trơn, hệ số co) bị ẩn; thêm ô nhỏ nhất tiếp theo bị ẩn khi ô bị ẩn có thể tính lại từ tổng và các ô còn lại; tỷ lệ chuẩn hoá bị ẩn khi một nhóm tuổi 5 năm của nó bị ẩn (docs/definitions.md).");

    public static void MapNcd(this IEndpointRouteBuilder app)
    {
        var cached = app.MapGroup("/api/ncd").WithTags("Ncd").WithWarehouseCache();
        var live = app.MapGroup("/api/ncd").WithTags("Ncd");

        cached.MapGet("/measures", () => new Table<MeasureInfo>(Measures(), "chi-so"))
            .WithSummary("Các chỉ số tỷ lệ hiện mắc có thể yêu cầu, với mẫu số của từng chỉ số.");

        cached.MapGet("/cascade", async ([AsParameters] NcdParameters p, NcdDataStore ncd, SnapshotCatalog catalog, UnitScope scope,
            QueryGate gate, Caller caller, CancellationToken ct) =>
        {
            var unit = p.ValidUnit();
            var s = catalog.Resolve(caller.ScopeProvince, p.Snapshot);
            var data = await gate.RunAsync(() => ncd.Get(s), ct);
            var rows = CascadeRows(data, scope, caller, unit);
            if (unit is not null && rows.Count == 0) throw Problems.Forbidden();
            return Exportable(new CascadeResponse(Burden.VisitBiasNote, data.Anchors(), rows));
        }).WithSummary("Chuỗi chăm sóc tăng huyết áp và đái tháo đường (sàng lọc → mắc → chẩn đoán → điều trị → kiểm soát) và chỉ số chương trình theo tháng, theo tỉnh và xã, mẫu số ghi rõ.");

        cached.MapGet("/cascade/series", async ([AsParameters] NcdParameters p, NcdDataStore ncd, SnapshotCatalog catalog, UnitScope scope,
            QueryGate gate, Caller caller, CancellationToken ct) =>
        {
            var unit = p.ValidUnit();
            var rows = new List<CascadeView>();
            foreach (var s in catalog.VisibleTo(caller.ScopeProvince))
            {
                var data = await gate.RunAsync(() => ncd.Get(s), ct);
                var code = unit ?? (caller.ScopeCommune ?? s.ProvinceCode);
                rows.AddRange(data.Cascades().Where(r => r.UnitCode == code && Sees(scope, caller, s, r.Level, r.UnitCode))
                    .Select(r => data.Suppression.Disclose(r, caller.Audience)));
            }
            // As /cascade: a unit outside the scope (or one without rows in any snapshot) is refused alike, not answered empty.
            if (unit is not null && rows.Count == 0) throw Problems.Forbidden();
            return Exportable(new CascadeResponse(Burden.VisitBiasNote, [], rows));
        }).WithSummary("Chuỗi chăm sóc của một đơn vị (mặc định: tỉnh) qua các ảnh chụp.");

        cached.MapGet("/prevalence", async ([AsParameters] NcdParameters p, NcdDataStore ncd, SnapshotCatalog catalog, UnitScope scope,
            QueryGate gate, Caller caller, CancellationToken ct) =>
        {
            var (m, sx, g) = p.ValidEstimate();
            var unit = p.ValidUnit();
            var s = catalog.Resolve(caller.ScopeProvince, p.Snapshot);
            var data = await gate.RunAsync(() => ncd.Get(s), ct);
            var rows = PrevalenceRows(data, m, sx, g, scope, caller, unit);
            if (unit is not null && rows.Count == 0) throw Problems.Forbidden();
            return Exportable(new PrevalenceResponse(m.Key, m.Name, m.DenominatorName, sx, g.Label, MethodText, Burden.VisitBiasNote, data.Anchors(), rows));
        }).WithSummary("Tỷ lệ hiện mắc thô và chuẩn hoá tuổi (KTC 95 %), theo giới và nhóm tuổi (18+, STEPS, 5 năm), tỉnh và xã, kèm giá trị làm trơn Bayes thực nghiệm và mốc STEPS.");

        cached.MapGet("/prevalence/series", async ([AsParameters] NcdParameters p, NcdDataStore ncd, SnapshotCatalog catalog, UnitScope scope,
            QueryGate gate, Caller caller, CancellationToken ct) =>
        {
            var (m, sx, g) = p.ValidEstimate();
            var unit = p.ValidUnit();
            var rows = new List<PrevalenceEstimate>();
            foreach (var s in catalog.VisibleTo(caller.ScopeProvince))
            {
                var data = await gate.RunAsync(() => ncd.Get(s), ct);
                var code = unit ?? (caller.ScopeCommune ?? s.ProvinceCode);
                rows.AddRange(data.Prevalence(m, sx, g).Where(r => r.UnitCode == code && Sees(scope, caller, s, r.Level, r.UnitCode))
                    .Select(r => data.Suppression.Disclose(r, m, g, caller.Audience)));
            }
            if (unit is not null && rows.Count == 0) throw Problems.Forbidden();
            return Exportable(new PrevalenceResponse(m.Key, m.Name, m.DenominatorName, sx, g.Label, MethodText, Burden.VisitBiasNote, [], rows));
        }).WithSummary("Tỷ lệ hiện mắc của một đơn vị (mặc định: tỉnh) qua các ảnh chụp.");

        cached.MapGet("/anchors", async ([AsParameters] NcdParameters p, NcdDataStore ncd, SnapshotCatalog catalog, QueryGate gate,
            Caller caller, CancellationToken ct) =>
        {
            var s = catalog.Resolve(caller.ScopeProvince, p.Snapshot);
            if (caller.ScopeCommune is not null) throw Problems.Forbidden();
            var data = await gate.RunAsync(() => ncd.Get(s), ct);
            return new Report<AnchorsResponse>(new AnchorsResponse(s.SnapshotId, s.AsOf, Burden.VisitBiasNote, data.Anchors()), "moc-steps",
                r => Csv.Of(r.Anchors, [("snapshotId", r.SnapshotId), ("asOf", r.AsOf)]));
        }).WithSummary("Tỷ lệ tính từ hồ sơ của tỉnh đặt cạnh các mốc điều tra STEPS (2015: HA cao 18,9 % ở 18–69 tuổi; 2020: tăng huyết áp 28,3 %, tăng đường huyết 6,96 % ở 25–64 tuổi).");

        cached.MapGet("/comorbidity", async ([AsParameters] NcdParameters p, WarehouseDb db, SnapshotCatalog catalog, UnitScope scope,
            QueryGate gate, Caller caller, CancellationToken ct) =>
        {
            var s = catalog.Resolve(caller.ScopeProvince, p.Snapshot);
            var code = p.ValidUnit() ?? caller.ScopeCommune ?? s.ProvinceCode;
            var level = code == s.ProvinceCode ? Levels.Province : Levels.Commune;
            if (!Sees(scope, caller, s, level, code)) throw Problems.Forbidden();
            // A national caller naming a unit that does not exist: 404, not an empty table.
            if (level == Levels.Commune && scope.Footprint(s.CodeSystem, code) is not { Exists: true, Level: Levels.Commune })
                throw Problems.UnitNotFound(s.CodeSystem, code);
            var table = await gate.RunAsync(() => ComorbidityOf(db, s, code, caller.Audience), ct);
            return new Report<ComorbidityTable>(table, $"dong-mac-{code}",
                t => Csv.Of(t.Rows));
        }).WithSummary("Đồng mắc tăng huyết áp × đái tháo đường × thừa cân/béo phì (BMI ≥ 25), số quan sát so với số kỳ vọng nếu độc lập.");

        cached.MapGet("/clusters", async ([AsParameters] NcdParameters p, NcdDataStore ncd, SnapshotCatalog catalog, UnitScope scope,
            QueryGate gate, Caller caller, CancellationToken ct) =>
        {
            var s = catalog.Resolve(caller.ScopeProvince, p.Snapshot);
            if (caller.ScopeCommune is not null || !scope.Allows(caller, s.CodeSystem, s.ProvinceCode)) throw Problems.Forbidden();
            var k = p.ValidK();
            var result = await gate.RunAsync(() => ClustersOf(ncd.Get(s), k), ct);
            return new Report<ClusterResult>(result, $"nhom-xa-{s.SnapshotId}", ClustersCsv);
        }).WithSummary("Nhóm các xã theo mô hình bệnh (K-means trên tỷ lệ chuẩn hoá và tỷ lệ trong chuỗi chăm sóc), mỗi nhóm mô tả bằng lời.");

        cached.MapGet("/model", async (RiskModels models, CancellationToken ct) =>
        {
            await models.Ready.WaitAsync(ct);
            var card = models.Latest() ?? throw new ProblemException(StatusCodes.Status404NotFound, "Chưa có mô hình",
                "Kho cần ít nhất hai ảnh chụp ở hai thời điểm để huấn luyện mô hình nguy cơ.");
            return new Report<ModelCard>(card, "mo-hinh-nguy-co", ModelCsv);
        }).WithSummary("Thẻ mô hình nguy cơ: phiên bản, ảnh chụp huấn luyện/kiểm tra, AUC, Brier, hiệu chuẩn theo thập phân vị và tỷ lệ phát hiện ở 10 % điểm cao nhất so với mô hình tuổi/giới, trên tất cả người chưa chẩn đoán và riêng cho nhóm chưa sàng lọc trong 12 tháng (nhóm lập danh sách nguy cơ) và nhóm còn lại; mô hình nào xếp hạng danh sách và vì sao.");

        live.MapPost("/model/train", async (RiskModels models, QueryGate gate, WarehouseVersion version, IOutputCacheStore cache, CancellationToken ct) =>
        {
            var card = await gate.RunAsync(models.Train, ct);
            await version.ChangedAsync(cache, ct);
            return card ?? throw new ProblemException(StatusCodes.Status409Conflict, "Chưa đủ dữ liệu",
                "Kho cần ít nhất hai ảnh chụp ở hai thời điểm để huấn luyện mô hình nguy cơ.");
        }).RequireAuthorization(AccessEndpoints.AdminPolicy).WithSummary("Huấn luyện lại mô hình nguy cơ từ lịch sử của kho; chỉ quản trị viên.");

        live.MapGet("/linelists/{kind}", async (string kind, [AsParameters] NcdParameters p, WarehouseDb db, SnapshotCatalog catalog,
            UnitScope scope, QueryGate gate, RiskModels models, Caller caller, CancellationToken ct) =>
        {
            if (!LineLists.Kinds.ContainsKey(kind)) throw Problems.OneOf("kind", kind, LineLists.Kinds.Keys);
            var unit = Parameters.Required("unit", p.Unit);
            var s = catalog.Resolve(caller.ScopeProvince, p.Snapshot);
            if (!caller.MaySeeNamesOf(unit) || !scope.Allows(caller, s.CodeSystem, unit))
            {
                using var c = db.Open();
                LineLists.Audit(c, caller.Name, caller.Role, unit, s.SnapshotId, kind, 0, false, "denied");
                throw new ProblemException(StatusCodes.Status403Forbidden, Problems.ForbiddenTitle,
                    "Danh sách có họ tên và số điện thoại chỉ dành cho cán bộ của chính xã đó; lần truy cập này đã được ghi nhật ký.");
            }
            int limit;
            try { limit = p.ValidLimit(500, 5000); }
            catch (ProblemException)
            {
                using var c = db.Open();
                LineLists.Audit(c, caller.Name, caller.Role, unit, s.SnapshotId, kind, 0, false, "refused");
                throw;
            }
            ModelCard? card = null;
            if (kind == "risk")
            {
                await models.Ready.WaitAsync(ct);
                card = models.Latest() is { } latest && models.HasScores(s, latest) ? latest
                    : throw new ProblemException(StatusCodes.Status409Conflict, "Chưa có mô hình nguy cơ",
                        "Kho cần ít nhất hai ảnh chụp ở hai thời điểm để huấn luyện mô hình nguy cơ; điểm nguy cơ được tính sau mỗi lần nạp.");
            }
            var list = await gate.RunAsync(() =>
            {
                using var c = db.Open();
                var list = LineLists.Query(c, s, kind, unit, identified: true, limit, card?.ModelId);
                LineLists.Audit(c, caller.Name, caller.Role, unit, s.SnapshotId, kind, list.Rows.Count, true, "granted");
                return list;
            }, ct);
            return new Report<LineList>(list, $"danh-sach-{kind}-{unit}", l => Csv.Of(l.Rows, [("snapshotId", l.SnapshotId), ("wardCode", l.WardCode)]));
        }).WithSummary("Danh sách tiếp cận của một xã (priority | followup | risk), có họ tên và số điện thoại; chỉ cán bộ của xã đó; mọi lần truy cập được ghi nhật ký.");

        live.MapGet("/audit", ([AsParameters] NcdParameters p, WarehouseDb db) =>
        {
            var limit = p.ValidLimit(200, 10_000);
            using var c = db.Open();
            return new Table<AuditRow>(LineLists.AuditLog(c, limit), "nhat-ky-truy-cap");
        }).RequireAuthorization(AccessEndpoints.AdminPolicy).WithSummary("Nhật ký truy cập danh sách tiếp cận; chỉ quản trị viên.");
    }

    /// <summary>The measures a prevalence can be asked for (<c>/api/ncd/measures</c>).</summary>
    public static IReadOnlyList<MeasureInfo> Measures() => [.. Measure.All.Select(m => new MeasureInfo(m.Key, m.Name, m.DenominatorName))];

    /// <summary>The cascade rows of a snapshot the caller may see (only <paramref name="unit"/>'s when given), disclosed for
    /// the caller: <c>/api/ncd/cascade</c> and the NCD page.</summary>
    public static List<CascadeView> CascadeRows(NcdData data, UnitScope scope, Caller caller, string? unit) =>
        data.Cascades().Where(r => Sees(scope, caller, data.Snapshot, r.Level, r.UnitCode) && (unit is null || r.UnitCode == unit))
            .Select(r => data.Suppression.Disclose(r, caller.Audience)).ToList();

    /// <summary>The prevalence rows of a snapshot, measure, sex and age group the caller may see (only
    /// <paramref name="unit"/>'s when given), disclosed for the caller: <c>/api/ncd/prevalence</c> and the NCD page.</summary>
    public static List<PrevalenceEstimate> PrevalenceRows(NcdData data, Measure m, string sex, AgeGroup g, UnitScope scope, Caller caller,
        string? unit) =>
        data.Prevalence(m, sex, g).Where(r => Sees(scope, caller, data.Snapshot, r.Level, r.UnitCode) && (unit is null || r.UnitCode == unit))
            .Select(r => data.Suppression.Disclose(r, m, g, caller.Audience)).ToList();

    /// <summary>The comorbidity table of a province or commune, disclosed for the audience (<c>/api/ncd/comorbidity</c>).</summary>
    public static ComorbidityTable ComorbidityOf(WarehouseDb db, LoadedSnapshot s, string code, Audience audience)
    {
        using var c = db.Open();
        return Comorbidity.Disclosed(c, s.SnapshotId, s.ProvinceCode, code, code == s.ProvinceCode ? null : code, audience);
    }

    /// <summary>The communes of a snapshot grouped by disease pattern, as published to the province (<c>/api/ncd/clusters</c>).</summary>
    public static ClusterResult ClustersOf(NcdData data, int k) => Clusters.Compute(data.Snapshot, data.Cells, data.CommuneNames, data.Suppression, k);

    /// <summary>The province row for callers scoped to the province or above; commune rows within the scope.</summary>
    static bool Sees(UnitScope scope, Caller caller, LoadedSnapshot s, string level, string code) =>
        level == Levels.Province ? caller.ScopeCommune is null && scope.Allows(caller, s.CodeSystem, code) : scope.Allows(caller, s.CodeSystem, code);

    /// <summary>JSON as is; CSV (<c>?format=csv</c>) one estimate per row, for epidemiologists' own analysis.</summary>
    internal static Report<PrevalenceResponse> Exportable(PrevalenceResponse r) => new(r, $"ty-le-hien-mac-{r.Measure}", b => Csv.Of(b.Rows));

    /// <summary>CSV: one row per unit × cascade (hypertension, diabetes, programme) × step, with its denominator.</summary>
    internal static Report<CascadeResponse> Exportable(CascadeResponse r) => new(r, "chuoi-cham-soc", b => new FlatTable(
        ["snapshotId", "asOf", "level", "unitCode", "unitName", "cascade", "step", "name", "count", "denominator", "denominatorName", "share", "suppressed"],
        b.Rows.SelectMany(v => new[] { ("hypertension", v.Hypertension), ("diabetes", v.Diabetes), ("programme", v.Programme) }
            .SelectMany(c => c.Item2.Select(step => (IReadOnlyList<object?>)
                [v.SnapshotId, v.AsOf, v.Level, v.UnitCode, v.UnitName, c.Item1, step.Key, step.Name, step.Count, step.Denominator,
                 step.DenominatorName, step.Share, step.Suppressed])))));

    /// <summary>CSV: one row per commune with its cluster and one column per feature.</summary>
    /// <summary>The card as calibration rows: one per model and decile, first on all test rows (population "all"), then
    /// on each population's test rows (list = not screened in 12 months, rest), with the population's rows and events,
    /// the model's top-decile yield and, for the list population, whether that model ranks the risk list. Hidden
    /// figures are empty.</summary>
    internal static FlatTable ModelCsv(ModelCard c)
    {
        var all = new[] { c.Model, c.Baseline }.Select(m => (Population: "all", Rows: c.Test.Rows, Positives: (int?)c.Test.Positives, Model: m));
        var parts = (c.Populations ?? []).SelectMany(p => p.Models.Select(m => (Population: p.Key, p.Rows, p.Positives, Model: m)));
        return new(
            ["modelId", "version", "model", "auc", "brier", "decile", "n", "meanPredicted", "observed",
             "population", "populationRows", "populationPositives", "topDecileRows", "topDecileYield", "ranksList"],
            all.Concat(parts).SelectMany(x => x.Model.Calibration.Select(b => (IReadOnlyList<object?>)
                [c.ModelId, c.Version, x.Model.Name, x.Model.Auc, x.Model.Brier, b.Decile, b.N, b.MeanPredicted, b.Observed,
                 x.Population, x.Rows, x.Positives, x.Model.TopDecile?.Rows, x.Model.TopDecile?.Yield,
                 x.Population == "list" && c.ListRanking is not null && x.Model.Key is { } k ? k == RiskModel.ListModelKey(c) : null])));
    }

    static FlatTable ClustersCsv(ClusterResult r) => new(
        ["snapshotId", "asOf", "k", "unitCode", "unitName", "cluster", "reason", .. r.Features.Select(f => f.Key)],
        r.Communes.Select(c => (IReadOnlyList<object?>)[r.SnapshotId, r.AsOf, r.K, c.UnitCode, c.UnitName, c.Cluster, c.Reason,
            .. r.Features.Select(f => c.Values is { } v && v.TryGetValue(f.Key, out var x) ? (object?)x : null)]));
}
