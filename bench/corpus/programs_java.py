"""Independent Java implementations of the same tasks (three per task, written apart)."""

WORDFREQ = [
    """import java.util.*;

public class WordFreq {
    // count lower-case words
    public static Map<String, Integer> count(String text) {
        Map<String, Integer> counts = new HashMap<>();
        for (String w : text.toLowerCase().split("[^a-z]+")) {
            if (w.isEmpty()) continue;
            counts.put(w, counts.getOrDefault(w, 0) + 1);
        }
        return counts;
    }

    public static List<String> top(String text, int n) {
        List<Map.Entry<String, Integer>> entries = new ArrayList<>(count(text).entrySet());
        entries.sort((a, b) -> b.getValue() - a.getValue());
        List<String> out = new ArrayList<>();
        for (int i = 0; i < Math.min(n, entries.size()); i++) {
            out.add(entries.get(i).getKey() + "=" + entries.get(i).getValue());
        }
        return out;
    }
}
""",
    """import java.util.stream.*;
import java.util.*;

class Counter {
    static List<String> top(String text, int n) {
        return Arrays.stream(text.split("\\\\W+"))
            .map(String::toLowerCase)
            .filter(s -> !s.isBlank())
            .collect(Collectors.groupingBy(s -> s, TreeMap::new, Collectors.counting()))
            .entrySet().stream()
            .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
            .limit(n)
            .map(Map.Entry::getKey)
            .collect(Collectors.toList());
    }
}
""",
    """public class Freq {
    private final String[] words = new String[4096];
    private final int[] counts = new int[4096];
    private int size = 0;

    void add(String word) {
        for (int i = 0; i < size; i++) {
            if (words[i].equals(word)) { counts[i]++; return; }
        }
        words[size] = word;
        counts[size++] = 1;
    }

    String best() {
        int at = 0;
        for (int i = 1; i < size; i++) if (counts[i] > counts[at]) at = i;
        return size == 0 ? null : words[at];
    }

    static String mostFrequent(String text) {
        Freq f = new Freq();
        StringBuilder cur = new StringBuilder();
        for (char c : (text + " ").toCharArray()) {
            if (Character.isLetter(c)) cur.append(Character.toLowerCase(c));
            else if (cur.length() > 0) { f.add(cur.toString()); cur.setLength(0); }
        }
        return f.best();
    }
}
""",
]

RLE = [
    """public class Rle {
    public static String encode(String s) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            int j = i;
            while (j < s.length() && s.charAt(j) == s.charAt(i)) j++;
            sb.append(j - i).append(s.charAt(i));
            i = j;
        }
        return sb.toString();
    }

    public static String decode(String s) {
        StringBuilder sb = new StringBuilder();
        int n = 0;
        for (char c : s.toCharArray()) {
            if (Character.isDigit(c)) { n = n * 10 + (c - '0'); }
            else { for (int k = 0; k < n; k++) sb.append(c); n = 0; }
        }
        return sb.toString();
    }
}
""",
    """import java.util.ArrayList;
import java.util.List;

class Runs {
    record Run(byte value, int length) {}

    static List<Run> compress(byte[] data) {
        List<Run> runs = new ArrayList<>();
        for (byte b : data) {
            int last = runs.size() - 1;
            if (last >= 0 && runs.get(last).value() == b) {
                runs.set(last, new Run(b, runs.get(last).length() + 1));
            } else {
                runs.add(new Run(b, 1));
            }
        }
        return runs;
    }
}
""",
    """import java.io.ByteArrayOutputStream;

final class PackBits {
    static byte[] pack(byte[] in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int pos = 0;
        while (pos < in.length) {
            int run = 1;
            while (pos + run < in.length && in[pos + run] == in[pos] && run < 127) run++;
            out.write(run);
            out.write(in[pos]);
            pos += run;
        }
        return out.toByteArray();
    }
}
""",
]

SEARCH = [
    """public class Search {
    public static int find(int[] sorted, int key) {
        int lo = 0, hi = sorted.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < key) lo = mid + 1;
            else if (sorted[mid] > key) hi = mid - 1;
            else return mid;
        }
        return -(lo + 1);
    }

    public static boolean contains(int[] sorted, int key) {
        return find(sorted, key) >= 0;
    }
}
""",
    """class Finder {
    static int indexOf(int[] a, int x, int from, int to) {
        if (from > to) return -1;
        int m = from + (to - from) / 2;
        if (a[m] == x) return m;
        return a[m] > x ? indexOf(a, x, from, m - 1) : indexOf(a, x, m + 1, to);
    }

    static int indexOf(int[] a, int x) {
        return indexOf(a, x, 0, a.length - 1);
    }
}
""",
    """import java.util.Arrays;

public class Lookup {
    private final int[] keys;

    public Lookup(int[] values) {
        keys = values.clone();
        Arrays.sort(keys);
    }

    public int rank(int key) {
        int count = 0;
        for (int k : keys) {
            if (k < key) count++;
            else break;
        }
        return count;
    }

    public boolean has(int key) {
        int r = rank(key);
        return r < keys.length && keys[r] == key;
    }
}
""",
]

TASKS = {"wordfreq": WORDFREQ, "rle": RLE, "search": SEARCH}
