using HoSoSucKhoe.Synthetic;

namespace HoSoSucKhoe.Tests.Synthetic;

/// <summary>The per-draw guarantees truth.json relies on, checked over many draws.</summary>
public sealed class GeneratorInvariantTests
{
    [Theory]
    [InlineData(0, 30)] // Pressure.Normal
    [InlineData(0, 75)]
    [InlineData(1, 45)] // Pressure.Raised
    [InlineData(1, 85)]
    [InlineData(2, 60)] // Pressure.Controlled
    public void BloodPressureAgreesWithTheLatentState(int pressure, int age)
    {
        var state = (Pressure)pressure;
        var rng = new Rng(42);
        for (var i = 0; i < 20_000; i++)
        {
            var (s, d) = BloodPressure.Draw(ref rng, state, age);
            Assert.Equal(state == Pressure.Raised, s >= 140 || d >= 90);
            Assert.InRange(s, 85, 230);
            Assert.InRange(d, 45, 135);
            Assert.True(s > d);
        }
    }

    [Theory]
    [InlineData(0)] // Glycaemia.Normal
    [InlineData(1)] // Glycaemia.Raised
    [InlineData(2)] // Glycaemia.Controlled
    public void WrittenGlucoseAndHba1cLandOnTheRequiredSideOfTheThresholds(int glycaemia)
    {
        var state = (Glycaemia)glycaemia;
        var rng = new Rng(7);
        var units = new HashSet<string?>();
        for (var i = 0; i < 20_000; i++)
        {
            var (fpgText, fpgUnit) = LabValues.Fasting(ref rng, state);
            var (a1cText, a1cUnit) = LabValues.HbA1c(ref rng, state);
            units.Add(fpgUnit);
            units.Add(a1cUnit);
            var fpg = LabReading.Interpret("GLU_FASTING", fpgText, fpgUnit);
            var a1c = LabReading.Interpret("HBA1C", a1cText, a1cUnit);
            Assert.True(fpg.Usable, fpgText);
            Assert.True(a1c.Usable, a1cText);
            switch (state)
            {
                case Glycaemia.Normal: Assert.True(fpg.Value < 7.0 && a1c.Value < 6.5, $"{fpgText} {fpgUnit} / {a1cText} {a1cUnit}"); break;
                case Glycaemia.Controlled: Assert.True(fpg.Value < 7.0 && a1c.Value < 7.0, $"{fpgText} {fpgUnit} / {a1cText} {a1cUnit}"); break;
                default: Assert.True(fpg.Value >= 7.0 && a1c.Value >= 7.0, $"{fpgText} {fpgUnit} / {a1cText} {a1cUnit}"); break;
            }
        }
        Assert.Superset(new HashSet<string?> { "mmol/L", "mg/dL", "%", "mmol/mol", null }, units);
    }

    [Theory]
    [InlineData("GLU_FASTING", "6,8", "mmol/L", "Value", 6.8)]
    [InlineData("GLU_FASTING", " 7.20 ", "mmol/L", "Value", 7.2)]
    [InlineData("GLU_FASTING", "126", "mg/dL", "Value", 126 / 18.016)]
    [InlineData("GLU_FASTING", ">20", "mmol/L", "Value", 20)]
    [InlineData("HBA1C", "53", "mmol/mol", "Value", 53 / 10.929 + 2.15)]
    [InlineData("GLU_FASTING", "126", null, "UnknownUnit", double.NaN)]
    [InlineData("GLU_FASTING", "6.1", null, "Value", 6.1)]
    [InlineData("GLU_FASTING", "??", "mmol/L", "Unparseable", double.NaN)]
    [InlineData("GLU_FASTING", "6.1", "mg%", "UnknownUnit", double.NaN)]
    [InlineData("HBA1C", "70", null, "UnknownUnit", double.NaN)]
    [InlineData("GLU_FASTING", "70", "mmol/L", "Implausible", 70)]
    [InlineData("XN_LOCAL_05", "âm tính", null, "Uninterpreted", double.NaN)]
    public void LabTextIsReadAsTheDefinitionsSay(string test, string text, string? unit, string status, double value)
    {
        var reading = LabReading.Interpret(test, text, unit);
        Assert.Equal(status, reading.Status.ToString());
        if (!double.IsNaN(value)) Assert.Equal(value, reading.Value, 6);
    }

    [Fact]
    public void SpellingVariantsNormaliseToTheSameName()
    {
        foreach (var family in NameTables.Family.Names.Concat(NameTables.FamilyNorthwest.Names))
            foreach (var given in NameTables.GivenMale.Names.Take(20))
            {
                var normal = NameText.Normalise(NameText.Spell(family, "Văn", given, NameSpelling.Normal)!);
                foreach (var variant in new[] { NameSpelling.NoDiacritics, NameSpelling.Upper, NameSpelling.ExtraSpaces })
                    Assert.Equal(normal, NameText.Normalise(NameText.Spell(family, "Văn", given, variant)!));
            }
        Assert.Equal("dang thi thu ha", NameText.Normalise("ĐẶNG  Thị Thu Hà"));
    }

    [Fact]
    public void DerivedStreamsAreIndependentOfOrder()
    {
        var a = Rng.Derive(123, 5);
        var first = a.NextULong();
        var b = Rng.Derive(123, 6);
        _ = b.NextULong();
        var again = Rng.Derive(123, 5);
        Assert.Equal(first, again.NextULong());
    }
}
