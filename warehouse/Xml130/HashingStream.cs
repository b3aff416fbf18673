using System.Security.Cryptography;

namespace HoSoSucKhoe.Warehouse.Xml130;

/// <summary>
/// A write-only file stream that computes the SHA-256 of what is written (the manifest's checksum, without reading the
/// file again). Seekable only in name: <see cref="Apache.Arrow.Ipc.ArrowFileWriter"/> asks for the position, never
/// moves it.
/// </summary>
internal sealed class HashingStream(string path) : Stream
{
    readonly FileStream _file = new(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
    readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    long _position;

    /// <summary>The lower-case hex SHA-256 of everything written; call once, when writing is done.</summary>
    public string Sha256() => System.Convert.ToHexStringLower(_hash.GetHashAndReset());

    public override bool CanRead => false;
    public override bool CanSeek => true;
    public override bool CanWrite => true;
    public override long Length => _position;

    public override long Position
    {
        get => _position;
        set { if (value != _position) throw new NotSupportedException(); }
    }

    public override long Seek(long offset, SeekOrigin origin) =>
        (origin == SeekOrigin.Current && offset == 0) || (origin == SeekOrigin.Begin && offset == _position) ? _position
            : throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _hash.AppendData(buffer);
        _file.Write(buffer);
        _position += buffer.Length;
    }

    public override void Flush() => _file.Flush();
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _file.Dispose();
            _hash.Dispose();
        }
        base.Dispose(disposing);
    }

    /// <summary>Copies a file byte for byte; returns the SHA-256 of its content.</summary>
    public static string Copy(string from, string to)
    {
        using var output = new HashingStream(to);
        using (var input = new FileStream(from, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20)) input.CopyTo(output, 1 << 20);
        return output.Sha256();
    }
}
