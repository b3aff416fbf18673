using Apache.Arrow;

namespace HoSoSucKhoe.Synthetic;

/// <summary>Rows accumulate column by column and are cut into record batches of at most 65,536 rows.</summary>
internal abstract class TableBuilder(Schema schema)
{
    public const int MaxBatchRows = 65_536;

    readonly List<ColumnBuilder> _columns = [];
    int _rows;

    public Schema Schema { get; } = schema;
    public List<RecordBatch> Batches { get; } = [];
    public long TotalRows { get; private set; }

    protected TColumn Column<TColumn>(TColumn column) where TColumn : ColumnBuilder
    {
        _columns.Add(column);
        return column;
    }

    protected void EndRow()
    {
        _rows++;
        TotalRows++;
        if (_rows == MaxBatchRows) Flush();
    }

    public void Flush()
    {
        if (_rows == 0) return;
        Batches.Add(new RecordBatch(Schema, _columns.Select(c => c.Build()), _rows));
        _rows = 0;
    }
}
