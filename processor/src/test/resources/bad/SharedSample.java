package bad;

public record SharedSample(String name,
        Thread owner) { // <- DtxUnsupportedComponentType
}
