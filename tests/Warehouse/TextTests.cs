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

    [Fact]
    public void VietnameseOrderPutsĐAfterDAsALetterOfItsOwn() =>
        Assert.Equal(["Ba Vì", "Dương Nội", "Đông Anh", "Ê Đê"], new[] { "Đông Anh", "Ê Đê", "Dương Nội", "Ba Vì" }.Order(Text.VietnameseOrder));

    [Fact]
    public void VietnameseOrderFollowsTheAlphabetForVowelLettersAndUsesTonesOnlyToBreakTies()
    {
        // a ă â … o ô ơ … u ư: the letter decides before any later letter; a tone never does.
        Assert.Equal(["An Khánh", "Ăn Khê", "Âu Cơ", "Ong Tre", "Ô Diên", "Ơ Long", "Uông Bí", "Ưng Hòa"],
            new[] { "Ưng Hòa", "Ô Diên", "Âu Cơ", "Ơ Long", "Ăn Khê", "Uông Bí", "An Khánh", "Ong Tre" }.Order(Text.VietnameseOrder));
        Assert.Equal(["Vạn Linh", "Văn Lãng", "Vân Nham"], new[] { "Vân Nham", "Văn Lãng", "Vạn Linh" }.Order(Text.VietnameseOrder));
        Assert.Equal(["Hà Đông", "Ha Nam"], new[] { "Ha Nam", "Hà Đông" }.Order(Text.VietnameseOrder));
        Assert.True(Text.VietnameseOrder.Compare("Ha", "Hà") < 0);
    }
}
