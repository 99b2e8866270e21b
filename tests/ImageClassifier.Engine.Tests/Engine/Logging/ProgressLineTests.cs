using ImageClassifier.Engine.Logging;
using Xunit;

namespace ImageClassifier.Engine.Tests.Engine.Logging;

public sealed class ProgressLineTests
{
    [Theory]
    [InlineData(0, 10, "[>         ]")]
    [InlineData(3, 10, "[===>      ]")]
    [InlineData(9, 10, "[=========>]")]
    [InlineData(10, 10, "[==========]")]
    [InlineData(25, 10, "[==========]")]
    [InlineData(5, 0, "[>         ]")]
    public void Bar_fills_in_proportion_to_the_work_done(long done, long total, string expected)
    {
        Assert.Equal(expected, ProgressLine.Bar(done, total, width: 10));
    }

    [Fact]
    public void Bar_rounds_partial_cells_down()
    {
        // 469 iterations in a 20-cell bar: 23 done is 0.98 cells, not yet one.
        Assert.StartsWith("[>", ProgressLine.Bar(23, 469));
        Assert.StartsWith("[=>", ProgressLine.Bar(24, 469));
    }

    [Fact]
    public void A_terminal_line_is_rewritten_in_place_and_cleared_before_whole_lines()
    {
        var output = new StringWriter();
        var line = new ProgressLine(output, isTerminal: true);

        line.Update("epoch 1 [=>  ]", force: true);
        line.Update("e1", force: true);
        line.WriteLine("done");

        // The shorter update pads over the longer one; the whole line first blanks the live one.
        Assert.Equal("\repoch 1 [=>  ]\re1            \r  \rdone" + Environment.NewLine, output.ToString());
    }

    [Fact]
    public void A_file_or_pipe_gets_whole_lines_only()
    {
        var output = new StringWriter();
        var line = new ProgressLine(output, isTerminal: false);

        line.Update("epoch 1", force: true);
        line.WriteLine("val 90%");

        Assert.Equal("val 90%" + Environment.NewLine, output.ToString());
    }
}
