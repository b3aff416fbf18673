using HoSoSucKhoe.Warehouse.Snapshots;

namespace HoSoSucKhoe.Warehouse.Loading;

/// <summary>
/// What "load this folder" means, for the command line and the admin API alike: the folder itself when it holds a
/// manifest; else its sub-folders that do, ordered by as_of then snapshot_id; else the folder (the loader then
/// explains what is missing).
/// </summary>
public static class SnapshotFolders
{
    public static IReadOnlyList<string> In(string folder)
    {
        if (File.Exists(Path.Combine(folder, Manifest.FileName)) || !Directory.Exists(folder)) return [folder];
        var children = Directory.GetDirectories(folder).Where(d => File.Exists(Path.Combine(d, Manifest.FileName)))
            .Select(d => (Folder: d, Manifest: Manifest.Read(d)))
            .OrderBy(x => x.Manifest.AsOf).ThenBy(x => x.Manifest.SnapshotId, StringComparer.Ordinal)
            .Select(x => x.Folder).ToList();
        return children.Count > 0 ? children : [folder];
    }
}
