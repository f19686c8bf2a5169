package dev.tcplab.trace;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tcplab.text.Text;
import java.util.List;

/**
 * One self-contained HTML page (inline CSS and JavaScript, no network) holding the ladder
 * pictures of a run or of a capture's connections: a connection picker, and a step-through
 * (previous / next segment, or the arrow keys) that highlights the segment and explains it.
 * Opened with "#selftest" in its address, the page steps twice by itself and writes the outcome
 * into its title: the tests drive it that way in a headless browser.
 */
public final class HtmlLadder {
    private HtmlLadder() {
    }

    public static String render(String title, List<LadderPicture> pictures) {
        return render(title, pictures, Text.Lang.en);
    }

    /**
     * With the buttons and the prompt in {@code lang}, and a Chinese page (whose pictures carry their
     * words and explanations in Chinese already) marked as Chinese for the browser, which otherwise may
     * draw them with a Japanese font's forms of the same characters.
     */
    public static String render(String title, List<LadderPicture> pictures, Text.Lang lang) {
        ObjectMapper mapper = new ObjectMapper();
        ArrayNode data = mapper.createArrayNode();
        for (LadderPicture p : pictures) {
            ArrayNode steps = data.addArray();
            for (LadderPicture.Step s : p.steps()) {
                ObjectNode o = steps.addObject();
                o.put("label", (s.leftToRight() ? p.leftName() + " → " + p.rightName() : p.rightName() + " → " + p.leftName())
                        + ": " + s.label());
                o.put("absolute", s.absolute());
                o.put("explanation", s.explanation() == null ? "" : s.explanation());
            }
        }
        String json;
        try {
            json = mapper.writeValueAsString(data).replace("</", "<\\/");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        boolean zh = lang == Text.Lang.zh;
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"").append(zh ? "zh-CN" : "en").append("\"><head><meta charset=\"utf-8\">\n<title>")
                .append(SvgLadder.esc(title)).append("</title>\n<style>\n")
                .append("body{font-family:'DejaVu Sans',Arial,sans-serif;margin:16px;color:#000;background:#fff}\n")
                .append("#bar{position:sticky;top:0;background:#fff;padding:8px 0;border-bottom:2px solid #000}\n")
                .append("button,select{font-size:18px;margin-right:8px}\nselect{max-width:100%}\n")
                .append("#step{font-size:18px;margin-top:8px;min-height:2.6em}\n")
                .append(".arrow.current line{stroke-width:5}\n.arrow.current text{font-weight:bold;text-decoration:underline}\n")
                .append(".picture{display:none}\n.picture.shown{display:block}\n</style></head><body>\n");
        h.append("<div id=\"bar\">");
        if (pictures.size() > 1) {
            h.append("<select id=\"pick\" aria-label=\"connection\">");
            for (int i = 0; i < pictures.size(); i++) {
                h.append("<option value=\"").append(i).append("\">").append(SvgLadder.esc(pictures.get(i).pickerLabel()))
                        .append("</option>");
            }
            h.append("</select>");
        }
        String prompt = zh ? "按“下一步”（或 →）逐个查看报文段。" : "Press “next” (or →) to step through the segments.";
        h.append(zh ? "<button id=\"prev\">◀ 上一步</button><button id=\"next\">下一步 ▶</button>"
                        : "<button id=\"prev\">◀ previous</button><button id=\"next\">next ▶</button>")
                .append(zh ? "<div id=\"step\" lang=\"zh-CN\">" : "<div id=\"step\">").append(prompt).append("</div></div>\n");
        for (int i = 0; i < pictures.size(); i++) {
            h.append("<div class=\"picture").append(i == 0 ? " shown" : "").append("\" id=\"picture-").append(i).append("\">\n")
                    .append(SvgLadder.render(pictures.get(i), lang)).append("</div>\n");
        }
        h.append("<script>\n\"use strict\";\n")
                .append("window.onerror=function(m){var e=document.createElement('pre');e.id='script-error';"
                        + "e.textContent=String(m);document.body.appendChild(e);document.title='script error: '+m;};\n")
                .append("var DATA=").append(json).append(";\nvar pic=0,cur=-1;\n")
                .append("function arrows(){return document.querySelectorAll('#picture-'+pic+' .arrow');}\n")
                .append("function show(i){var a=arrows();if(a.length===0)return;cur=Math.max(0,Math.min(a.length-1,i));"
                        + "a.forEach(function(x){x.classList.remove('current');});a[cur].classList.add('current');"
                        + "var s=DATA[pic][cur];document.getElementById('step').textContent=(cur+1)+'/'+a.length+'  '+s.label"
                        + "+(s.explanation?' — '+s.explanation:'');a[cur].scrollIntoView({block:'center'});}\n")
                .append("function pick(i){document.getElementById('picture-'+pic).classList.remove('shown');pic=i;"
                        + "document.getElementById('picture-'+pic).classList.add('shown');cur=-1;"
                        + "document.getElementById('step').textContent='" + prompt + "';}\n")
                .append("document.getElementById('next').onclick=function(){show(cur+1);};\n")
                .append("document.getElementById('prev').onclick=function(){show(cur-1);};\n")
                .append("var p=document.getElementById('pick');if(p){p.onchange=function(){pick(Number(p.value));};}\n")
                .append("document.addEventListener('keydown',function(e){if(e.key==='ArrowRight')show(cur+1);"
                        + "if(e.key==='ArrowLeft')show(cur-1);});\n")
                .append("if(location.hash==='#selftest'){document.getElementById('next').click();"
                        + "document.getElementById('next').click();var c=document.querySelectorAll('.arrow.current');"
                        + "document.title='selftest step='+(cur+1)+' highlighted='+c.length+' of='+arrows().length;}\n")
                .append("</script>\n</body></html>\n");
        return h.toString();
    }
}
