package dtxkit.services.mock;

import dtxkit.services.screenshot.Screenshot;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * The mock device's screenshot: a home screen drawn into a PNG written byte by byte (signature, IHDR, one IDAT with
 * the deflated scanlines, IEND), so no AWT is needed. The image is built once per device.
 */
final class MockScreenshot implements Screenshot {

    /** An iPhone 14's screen in points. */
    static final int WIDTH = 390;
    static final int HEIGHT = 844;

    private final byte[] png = render();

    @Override
    public byte[] takeScreenshot() {
        return png.clone();
    }

    private static byte[] render() {
        int[] icons = {
            0x1E90FF, 0x34C759, 0xFF9500, 0xFF3B30, 0x5856D6, 0xFFCC00, 0x8E8E93, 0x00C7BE,
            0xAF52DE, 0xFF2D55, 0x32ADE6, 0xA2845E, 0x30B0C7, 0x64D2FF, 0xFF6482, 0x66D4CF,
        };
        int stride = 1 + WIDTH * 3;
        byte[] raw = new byte[stride * HEIGHT];
        for (int y = 0; y < HEIGHT; y++) {
            int row = y * stride;
            raw[row] = 0; // filter type None
            for (int x = 0; x < WIDTH; x++) {
                // A blue-to-purple wallpaper gradient.
                int r = 40 + (y * 80) / HEIGHT;
                int g = 60 + (x * 40) / WIDTH;
                int b = 160 + (y * 60) / HEIGHT;
                int color = (r << 16) | (g << 8) | b;
                if (y < 44) {
                    color = 0x101010; // status bar
                } else if (y > HEIGHT - 110 && y < HEIGHT - 20 && x > 14 && x < WIDTH - 14) {
                    color = 0x5A6B8C; // dock
                }
                int icon = iconAt(x, y);
                if (icon >= 0) {
                    color = icons[icon % icons.length];
                }
                int p = row + 1 + x * 3;
                raw[p] = (byte) (color >> 16);
                raw[p + 1] = (byte) (color >> 8);
                raw[p + 2] = (byte) color;
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        ByteBuffer ihdr = ByteBuffer.allocate(13);
        ihdr.putInt(WIDTH).putInt(HEIGHT).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        chunk(out, "IDAT", deflate(raw));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    /** The index of the app icon covering (x, y): a 4 x 6 grid of 60-point squares, or -1. */
    private static int iconAt(int x, int y) {
        int left = 27;
        int top = 80;
        int cell = 90;
        int size = 60;
        int col = (x - left) / cell;
        int rowIndex = (y - top) / (cell + 10);
        if (x < left || y < top || col > 3 || rowIndex > 5) {
            return -1;
        }
        int dx = (x - left) % cell;
        int dy = (y - top) % (cell + 10);
        return dx < size && dy < size ? rowIndex * 4 + col : -1;
    }

    private static byte[] deflate(byte[] raw) {
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        try {
            deflater.setInput(raw);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 8);
            byte[] buffer = new byte[64 * 1024];
            while (!deflater.finished()) {
                out.write(buffer, 0, deflater.deflate(buffer));
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(typeBytes);
        out.writeBytes(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
