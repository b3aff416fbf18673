using Dapper;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Snapshots;

namespace HoSoSucKhoe.Models.Ncd;

/// <summary>
/// The risk model of one warehouse: one writer at a time, trained models kept in memory. Reads
/// (<see cref="Latest"/>, <see cref="HasScores"/>) never train or score; <see cref="Refresh"/> does, and runs at
/// start-up and after every load (a hosted service in the server), so a read waits at most for <see cref="Ready"/>.
/// </summary>
public sealed class RiskModels(WarehouseDb db)
{
    readonly Lock gate = new();
    readonly Dictionary<string, TrainedRisk> loaded = [];
    Task<ModelCard?> ready = Task.FromResult<ModelCard?>(null);

    /// <summary>Completes when the latest requested refresh is done (its card, or null when no model can be trained).</summary>
    public Task<ModelCard?> Ready { get { lock (gate) return ready; } }

    /// <summary>The latest registered model's card, or null. Does not train.</summary>
    public ModelCard? Latest()
    {
        using var c = db.Open();
        return RiskModel.LatestCard(c);
    }

    /// <summary>Whether the snapshot has scores from <paramref name="card"/>'s model.</summary>
    public bool HasScores(LoadedSnapshot snapshot, ModelCard card)
    {
        using var c = db.Open();
        return c.ExecuteScalar<long>("SELECT count(*) FROM ncd_risk_score WHERE snapshot_id = $sid AND model_id = $mid",
            new { sid = snapshot.SnapshotId, mid = card.ModelId }) > 0;
    }

    /// <summary>Queues a <see cref="Refresh"/> after any running one; failures go to <paramref name="report"/>.</summary>
    public Task<ModelCard?> RefreshInBackground(Action<Exception> report)
    {
        lock (gate)
        {
            var previous = ready;
            return ready = previous.ContinueWith(_ =>
            {
                try { return Refresh(); }
                catch (Exception e) { report(e); return null; }
            }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }
    }

    /// <summary>Trains a new model when none exists or snapshots were loaded after its test label snapshot, then scores
    /// every snapshot that has no scores from it. Returns the card, or null with fewer than two snapshots.</summary>
    public ModelCard? Refresh()
    {
        lock (loaded)
        {
            using var c = db.Open();
            var snapshots = SnapshotCatalog.All(c);
            var card = RiskModel.LatestCard(c);
            if (card is null || (snapshots.Count > 0 && card.Test.LabelSnapshot != snapshots[^1].SnapshotId))
                card = TrainLocked() ?? card;
            if (card is null) return null;
            var model = Model(c, card.ModelId);
            foreach (var s in snapshots.Where(s => !HasScores(s, card))) RiskModel.Score(c, card, model, s);
            return card;
        }
    }

    /// <summary>Trains and registers a new model now (admin); null when fewer than two snapshots.</summary>
    public ModelCard? Train()
    {
        lock (loaded) return TrainLocked();
    }

    ModelCard? TrainLocked()
    {
        if (RiskModel.TrainNew(db) is not { } trained) return null;
        loaded[trained.Card.ModelId] = trained.Model;
        return trained.Card;
    }

    TrainedRisk Model(DuckDB.NET.Data.DuckDBConnection c, string modelId) =>
        loaded.TryGetValue(modelId, out var m) ? m : loaded[modelId] = RiskModel.Load(c, modelId);
}
