namespace HoSoSucKhoe.Models.Ncd;

/// <summary>Interval estimators for proportions and directly standardised proportions (docs/models.md).</summary>
public static class Stats
{
    public const double Z95 = 1.959963984540054;

    /// <summary>Wilson score interval for x of n.</summary>
    public static (double Lo, double Hi) Wilson(double x, double n, double z = Z95)
    {
        if (n <= 0) return (double.NaN, double.NaN);
        var p = x / n;
        var z2 = z * z;
        var centre = (p + z2 / (2 * n)) / (1 + z2 / n);
        var half = z / (1 + z2 / n) * Math.Sqrt(p * (1 - p) / n + z2 / (4 * n * n));
        return (Math.Max(0, centre - half), Math.Min(1, centre + half));
    }

    /// <summary>
    /// Fay–Feuer (1997) gamma interval for a directly standardised rate y = Σ wᵢ xᵢ / nᵢ (weights summing to 1),
    /// treating the counts as Poisson: v = Σ (wᵢ/nᵢ)² xᵢ, and wM widening the upper bound. With wM = max wᵢ/nᵢ (the
    /// original) coverage is at least nominal but one sparse band inflates the upper bound; Tiwari et al. (2006) use the
    /// mean of wᵢ/nᵢ instead (SEER*Stat's default), which the burden figures use. For common conditions the Poisson
    /// variance exceeds the binomial one, so the interval errs wide rather than narrow.
    /// </summary>
    public static (double Lo, double Hi) FayFeuer(double y, double v, double wM, double alpha = 0.05)
    {
        var lo = y <= 0 || v <= 0 ? 0 : GammaQuantile(alpha / 2, y * y / v, v / y);
        var a = y + wM;
        var b = v + wM * wM;
        var hi = GammaQuantile(1 - alpha / 2, a * a / b, b / a);
        return (lo, hi);
    }

    /// <summary>Quantile of the gamma distribution with the given shape and scale.</summary>
    public static double GammaQuantile(double p, double shape, double scale)
    {
        if (shape > 60)
        {
            // Wilson–Hilferty: relative error far below what a prevalence is reported with at these shapes.
            var z = NormalQuantile(p);
            var c = 1.0 / (9 * shape);
            var t = 1 - c + z * Math.Sqrt(c);
            return shape * scale * Math.Max(0, t * t * t);
        }
        double lo = 0, hi = Math.Max(1, shape) * 4;
        while (RegularizedGammaP(shape, hi) < p) hi *= 2;
        for (var i = 0; i < 200 && hi - lo > 1e-12 * hi; i++)
        {
            var mid = (lo + hi) / 2;
            if (RegularizedGammaP(shape, mid) < p) lo = mid; else hi = mid;
        }
        return (lo + hi) / 2 * scale;
    }

    /// <summary>P(a, x), the regularised lower incomplete gamma function (series / continued fraction).</summary>
    public static double RegularizedGammaP(double a, double x)
    {
        if (x <= 0) return 0;
        var lnPrefix = -x + a * Math.Log(x) - LogGamma(a);
        if (x < a + 1)
        {
            double sum = 1 / a, term = sum, ap = a;
            for (var n = 0; n < 100_000; n++)
            {
                ap++;
                term *= x / ap;
                sum += term;
                if (Math.Abs(term) < Math.Abs(sum) * 1e-15) break;
            }
            return sum * Math.Exp(lnPrefix);
        }
        // Lentz's continued fraction for Q(a, x).
        const double tiny = 1e-300;
        double b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
        for (var i = 1; i < 100_000; i++)
        {
            var an = -i * (i - a);
            b += 2;
            d = an * d + b;
            if (Math.Abs(d) < tiny) d = tiny;
            c = b + an / c;
            if (Math.Abs(c) < tiny) c = tiny;
            d = 1 / d;
            var delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1) < 1e-15) break;
        }
        return 1 - Math.Exp(lnPrefix) * h;
    }

    /// <summary>ln Γ(x), Lanczos (g = 7, n = 9).</summary>
    public static double LogGamma(double x)
    {
        if (x < 0.5) return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
        ReadOnlySpan<double> g =
        [
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
        ];
        x -= 1;
        var a = g[0];
        var t = x + 7.5;
        for (var i = 1; i < 9; i++) a += g[i] / (x + i);
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(a);
    }

    /// <summary>Standard normal quantile (Acklam, relative error &lt; 1.2e-9 after one Halley step).</summary>
    public static double NormalQuantile(double p)
    {
        if (p <= 0) return double.NegativeInfinity;
        if (p >= 1) return double.PositiveInfinity;
        ReadOnlySpan<double> a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00];
        ReadOnlySpan<double> b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01];
        ReadOnlySpan<double> c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00];
        ReadOnlySpan<double> d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];
        double x;
        if (p < 0.02425)
        {
            var q = Math.Sqrt(-2 * Math.Log(p));
            x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        else if (p <= 1 - 0.02425)
        {
            var q = p - 0.5;
            var r = q * q;
            x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
        }
        else
        {
            var q = Math.Sqrt(-2 * Math.Log(1 - p));
            x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        var e = 0.5 * Erfc(-x / Math.Sqrt(2)) - p;
        var u = e * Math.Sqrt(2 * Math.PI) * Math.Exp(x * x / 2);
        return x - u / (1 + x * u / 2);
    }

    /// <summary>Complementary error function (Numerical Recipes erfcc, fractional error &lt; 1.2e-7).</summary>
    public static double Erfc(double x)
    {
        var z = Math.Abs(x);
        var t = 1 / (1 + 0.5 * z);
        var r = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
            + t * (0.27886187 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }
}
