//! Masking of personal data for lists and exports.

/// `440307199001011234` → `440307********1234`.
pub fn id_number(s: &str) -> String {
    let c: Vec<char> = s.chars().collect();
    if c.len() < 10 {
        return "*".repeat(c.len());
    }
    let head: String = c[..6].iter().collect();
    let tail: String = c[c.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(c.len() - 10))
}

/// `13812345678` → `138****5678`.
pub fn phone(s: &str) -> String {
    let c: Vec<char> = s.chars().collect();
    if c.len() < 7 {
        return "*".repeat(c.len());
    }
    let head: String = c[..3].iter().collect();
    let tail: String = c[c.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(c.len() - 7))
}

/// `张三` → `张*`, `张小三` → `张*三`, `欧阳小明` → `欧**明`.
pub fn name(s: &str) -> String {
    let c: Vec<char> = s.chars().collect();
    match c.len() {
        0 => String::new(),
        1 => "*".into(),
        2 => format!("{}*", c[0]),
        n => format!("{}{}{}", c[0], "*".repeat(n - 2), c[n - 1]),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn masks() {
        assert_eq!(super::id_number("44030719900101123X"), "440307********123X");
        assert_eq!(super::phone("13812345678"), "138****5678");
        assert_eq!(super::phone("123"), "***");
        assert_eq!(super::name("张小三"), "张*三");
        assert_eq!(super::name("张三"), "张*");
        assert_eq!(super::name("欧阳小明"), "欧**明");
    }
}
