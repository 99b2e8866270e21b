namespace ImageClassifier.Models.Checkpoints;

/// <summary>What an allow-listed global rebuilds. Anything else a pickle names is refused.</summary>
internal enum PickleGlobalKind
{
    OrderedDict,
    RebuildTensor,
    RebuildTensorV2,
    RebuildTensorV3,
    RebuildParameter,
    RebuildParameterWithState,
    RebuildFromTypeV2,
    TensorClass,
    ParameterClass,
    StorageClass,
    Dtype,
    Size,
    CodecsEncode,
    Bytes,
    NumpyScalar,
    NumpyDtype,
    NumpyReconstruct,
    NumpyArrayClass,
    NumpyFromBuffer,
    DateTime,
    Date,
    Time,
    TimeDelta,
    TimeZone,
}
