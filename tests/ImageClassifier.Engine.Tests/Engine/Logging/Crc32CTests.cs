using System.Text;
using ImageClassifier.Engine.Tests.TestHelpers;
using ImageClassifier.Engine.Logging;

namespace ImageClassifier.Engine.Tests.Engine.Logging;

public sealed class Crc32CTests
{
    [Fact]
    public void The_check_value_of_123456789_is_the_published_one()
    {
        Assert.Equal(0xE3069283u, Crc32C.Compute(Encoding.ASCII.GetBytes("123456789")));
    }

    [Fact]
    public void The_RFC_3720_test_vectors_match()
    {
        var ascending = Enumerable.Range(0, 32).Select(value => (byte)value).ToArray();

        Assert.Equal(0x8A9136AAu, Crc32C.Compute(new byte[32]));
        Assert.Equal(0x62A8AB43u, Crc32C.Compute(Enumerable.Repeat((byte)0xFF, 32).ToArray()));
        Assert.Equal(0x46DD794Eu, Crc32C.Compute(ascending));
        Assert.Equal(0x113FDB5Cu, Crc32C.Compute(ascending.Reverse().ToArray()));
    }

    [Fact]
    public void Every_length_around_the_eight_byte_steps_matches_a_bitwise_crc()
    {
        var random = new Random(7);
        for (var length = 0; length <= 41; length++)
        {
            var data = new byte[length];
            random.NextBytes(data);

            Assert.Equal(EventFileReader.ReferenceCrc32C(data), Crc32C.Compute(data));
        }
    }

    [Fact]
    public void The_mask_rotates_right_by_15_and_adds_the_constant_modulo_two_to_the_32()
    {
        Assert.Equal(0xA282EAD8u, Crc32C.Mask(0));
        Assert.Equal(0xA284EAD8u, Crc32C.Mask(1)); // bit 0 rotates to bit 17
        Assert.Equal(0xA282EAD7u, Crc32C.Mask(uint.MaxValue)); // the sum wraps
        var data = Encoding.ASCII.GetBytes("123456789");
        Assert.Equal(Crc32C.Mask(0xE3069283u), Crc32C.Masked(data));
    }
}
