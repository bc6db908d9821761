//! Text search by substring: the user's text is matched literally, so `%` and `_` find
//! themselves instead of everything.
use sea_orm::ColumnTrait;
use sea_orm::sea_query::{Expr, ExprTrait, LikeExpr};

/// `LIKE '%…%'` with the text's own `\`, `%` and `_` escaped.
pub(crate) fn contains<C: ColumnTrait>(column: C, text: &str) -> Expr {
    Expr::col(column.as_column_ref()).like(LikeExpr::new(format!("%{}%", escape(text))).escape('\\'))
}

/// `LIKE '…%'` with the text's own wildcards escaped.
pub(crate) fn starts_with<C: ColumnTrait>(column: C, text: &str) -> Expr {
    Expr::col(column.as_column_ref()).like(LikeExpr::new(format!("{}%", escape(text))).escape('\\'))
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '%' | '_') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn wildcards_are_literal() {
        assert_eq!(super::escape("50%_a\\b"), "50\\%\\_a\\\\b");
        assert_eq!(super::escape("良安田"), "良安田");
    }
}
