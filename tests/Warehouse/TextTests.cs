using HoSoSucKhoe.Warehouse;

namespace HoSoSucKhoe.Tests.Warehouse;

public sealed class TextTests
{
    [Theory]
    [InlineData("Phường Bạch Mai", "phuong bach mai")]
    [InlineData("  NGUYỄN  Thị   Ánh ", "nguyen thi anh")]
    [InlineData("Đặng Văn Đức", "dang van duc")]
    [InlineData("Hoà Thuỷ", "hoa thuy")]
    [InlineData("Hòa Thủy", "hoa thuy")]
    [InlineData("Pha\u0300n", "phan")]       // decomposed input folds like composed
    [InlineData("a\u0300\u0301b", "ab")]     // stray marks are dropped, never turned into control characters
    [InlineData(null, "")]
    [InlineData("   ", "")]
    public void FoldRemovesDiacriticsAndCaseAndCollapsesSpaces(string? input, string expected) =>
        Assert.Equal(expected, Text.Fold(input));
}
