using System.Buffers.Text;
using System.Text.Json;

namespace MgmtWatch.Core.Output;

/// <summary>
/// Model scores and thresholds as JSON numbers with at most six decimals and no trailing zeros, the
/// shortest form of the rounded value. Every scored flow carries them in both outputs, and general double
/// formatting cost more than scoring the flow; a score in fixed point is integer formatting.
/// </summary>
internal static class ScoreNumber
{
    private const long Scale = 1_000_000;

    /// <summary>The names EVE gives them under <c>mgmtwatch</c>, in flow and alert events alike.</summary>
    public static readonly JsonEncodedText ScoreName = JsonEncodedText.Encode("score");

    /// <inheritdoc cref="ScoreName"/>
    public static readonly JsonEncodedText ThresholdName = JsonEncodedText.Encode("threshold");

    public static void Write(Utf8JsonWriter writer, JsonEncodedText name, double value)
    {
        // Scores are finite and non-negative; anything else (never expected) takes the general path.
        if (!(value >= 0 && value < 1e12))
        {
            writer.WriteNumber(name, Math.Round(value, 6));
            return;
        }

        Span<byte> text = stackalloc byte[32];
        var length = Format(value, text);
        writer.WritePropertyName(name);
        writer.WriteRawValue(text[..length], skipInputValidation: true);
    }

    /// <summary>Appends the property raw (see <see cref="JsonLinesWriter.AppendRawValue"/>).</summary>
    public static void Append(JsonLinesWriter output, ReadOnlySpan<byte> name, double value)
    {
        if (!(value >= 0 && value < 1e12))
        {
            output.Begin().WriteNumber(name, Math.Round(value, 6));
            return;
        }

        Span<byte> text = stackalloc byte[32];
        output.AppendRawValue(name, text[..Format(value, text)]);
    }

    /// <summary>Formats <paramref name="value"/> (0 ≤ value &lt; 10¹²) into <paramref name="text"/>; returns the length.</summary>
    internal static int Format(double value, Span<byte> text)
    {
        var micros = (long)Math.Round(value * Scale);
        Utf8Formatter.TryFormat(micros / Scale, text, out var length);
        var fraction = (int)(micros % Scale);
        if (fraction == 0)
        {
            return length;
        }

        text[length++] = (byte)'.';
        for (var divisor = (int)(Scale / 10); fraction > 0; divisor /= 10)
        {
            text[length++] = (byte)('0' + (fraction / divisor));
            fraction %= divisor;
        }

        return length;
    }
}
