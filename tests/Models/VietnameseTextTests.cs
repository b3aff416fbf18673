using System.Globalization;
using HoSoSucKhoe.Models.Ncd;
using Microsoft.ML.Trainers.LightGbm;

namespace HoSoSucKhoe.Tests.Models;

/// <summary>Numbers in the reasons and descriptions people read are written 0,46 / 1.234 / 20% even when the server
/// runs under another culture (here en-US, which would write 0.46 / 1,234).</summary>
public sealed class VietnameseTextTests : IDisposable
{
    readonly CultureInfo culture = CultureInfo.CurrentCulture;

    public VietnameseTextTests() => CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("en-US");

    public void Dispose() => CultureInfo.CurrentCulture = culture;

    [Fact]
    public void RiskReasonWritesTheScoreWithADecimalComma() =>
        Assert.Equal("Điểm nguy cơ 0,46, chưa đo huyết áp hay xét nghiệm đường huyết trong 12 tháng", LineLists.RiskReason(0.456));

    [Fact]
    public void RiskListCriteriaWriteTheShareAsAVietnamesePercentage()
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture; // en-US writes 20% too; the invariant culture "20 %"
        Assert.Contains("điểm nguy cơ thuộc 20% cao nhất của tỉnh", LineLists.Criteria("risk"));
    }

    [Fact]
    public void ModelCardTrainerWritesTheLearningRateWithADecimalCommaAndThousandsWithDots()
    {
        var text = RiskModel.TrainerText(new LightGbmBinaryTrainer.Options { NumberOfIterations = 1200, NumberOfLeaves = 31, LearningRate = 0.05 });
        Assert.Equal($"LightGBM (ML.NET {RiskModel.MlNetVersion}), 1.200 cây, 31 lá, tốc độ học 0,05", text);
    }

    [Fact]
    public void ClusterDescriptionWritesTheCommuneCountWithThousandsDots()
    {
        var z = new Dictionary<string, double>
        {
            ["htn_asr"] = 0.8, ["dm_asr"] = 0, ["obesity_asr"] = 0, ["screened"] = 0, ["htn_diagnosed"] = 0,
            ["htn_treated"] = 0, ["htn_controlled"] = 0, ["dm_diagnosed"] = 0,
        };
        Assert.Equal("Nhóm 2 (1.234 xã): tăng huyết áp cao.", Clusters.Describe(2, 1234, z));
    }
}
