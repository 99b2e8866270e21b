using ImageClassifier.Data.Datasets;
using ImageClassifier.Data.Images;
using ImageClassifier.Data.Transforms;
using ImageClassifier.Engine.Tests.TestHelpers;

namespace ImageClassifier.Engine.Tests.Data.Transforms;

/// <summary>
/// EfficientNetCenterCrop. Its boxes against mmpretrain's formula and mmcv's imcrop written in numpy
/// in tools/fixtures/make_augmentation_fixtures.py; its bicubic resize is held to torch in ImageOpsTests.
/// </summary>
public sealed class EfficientNetCenterCropTests
{
    [Fact]
    public void Keeps_the_box_mmpretrain_keeps()
    {
        foreach (var entry in AugmentationFixture.Root.GetProperty("efficientnet_boxes").EnumerateArray())
        {
            var box = entry.GetProperty("box");

            var actual = EfficientNetCenterCrop.CentralBox(
                entry.GetProperty("height").GetInt32(), entry.GetProperty("width").GetInt32(), entry.GetProperty("size").GetInt32(), entry.GetProperty("padding").GetInt32());

            Assert.Equal((box[0].GetInt32(), box[1].GetInt32(), box[2].GetInt32(), box[3].GetInt32()), actual);
        }
    }

    [Fact]
    public void Crops_the_box_then_resizes_it_to_crop_size()
    {
        var image = AugmentationFixture.Image("color");
        var (top, left, height, width) = EfficientNetCenterCrop.CentralBox(image.Height, image.Width, 6, 2);

        var cropped = new EfficientNetCenterCrop(cropSize: 6, cropPadding: 2).Apply(new DataSample(image, 0, "color"), new Random(0)).Image;
        var nearest = new EfficientNetCenterCrop(cropSize: 6, cropPadding: 2, interpolation: Interpolation.Nearest).Apply(new DataSample(image, 0, "color"), new Random(0)).Image;

        Assert.Equal(ImageOps.Resize(ImageOps.Crop(image, top, left, height, width), 6, 6, Interpolation.Bicubic).Pixels, cropped.Pixels);
        Assert.Equal(ImageOps.Resize(ImageOps.Crop(image, top, left, height, width), 6, 6, Interpolation.Nearest).Pixels, nearest.Pixels);
        Assert.Equal("crop_padding", Assert.Throws<ConfigValueException>(() => new EfficientNetCenterCrop(cropSize: 6, cropPadding: -1)).Member);
        Assert.Equal("backend", Assert.Throws<ConfigValueException>(() => new EfficientNetCenterCrop(cropSize: 6, backend: "pil")).Member);
    }
}
