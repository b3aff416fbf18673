using System.Collections.Concurrent;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Snapshots;

namespace HoSoSucKhoe.Models.Ncd;

/// <summary>Each snapshot's NCD cells and suppression pattern, read once and kept until the data changes (a load,
/// a population file, a model): series endpoints and repeated uncached requests then skip rebuilding the pattern.</summary>
public sealed class NcdDataStore(WarehouseDb db)
{
    readonly ConcurrentDictionary<string, Lazy<NcdData>> loaded = new(StringComparer.Ordinal);

    public NcdData Get(LoadedSnapshot s)
    {
        var data = loaded.GetOrAdd(s.SnapshotId, _ => new Lazy<NcdData>(() => NcdData.Load(db, s))).Value;
        if (data.Snapshot == s) return data;
        // The same id loaded again with other content (a replace): read it anew.
        var fresh = NcdData.Load(db, s);
        loaded[s.SnapshotId] = new Lazy<NcdData>(fresh);
        return fresh;
    }

    /// <summary>The provinces' snapshots pooled into the national table (<see cref="NationalNcd.Pool"/>), kept like a
    /// snapshot's data until the data changes.</summary>
    public NcdData National(IReadOnlyList<LoadedSnapshot> provinces)
    {
        var key = NationalNcd.Key(provinces);
        var data = loaded.GetOrAdd(key, _ => new Lazy<NcdData>(() => NationalNcd.Pool([.. provinces.Select(Get)]))).Value;
        // A province replaced under the same id: pool it anew.
        if (data.Provinces.Count == provinces.Count && data.Provinces.Zip(provinces).All(x => ReferenceEquals(x.First, Get(x.Second)))) return data;
        var fresh = NationalNcd.Pool([.. provinces.Select(Get)]);
        loaded[key] = new Lazy<NcdData>(fresh);
        return fresh;
    }

    /// <summary>Reads the snapshot's data and computes its suppression pattern now (a warm-up).</summary>
    public void Prepare(LoadedSnapshot s) => GC.KeepAlive(Get(s).Suppression);

    /// <summary>After any write that changes the figures.</summary>
    public void Forget() => loaded.Clear();
}
